// Command mocksdoc writes docs/mocks.md from the JSON reports that `make thirdparty`
// leaves in a directory: `go run ./suites/thirdparty/mocksdoc -reports DIR -out FILE`.
// It fails, writing nothing, if a report is missing or differs from the verdicts
// committed in package thirdparty.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/noticeconf/noticeconf/suites/thirdparty"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("mocksdoc", flag.ContinueOnError)
	reports := fs.String("reports", "out/thirdparty", "directory of the JSON reports of make thirdparty")
	out := fs.String("out", "docs/mocks.md", "the page to write")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	reps, err := thirdparty.ReadReports(*reports)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mocksdoc:", err)
		return 1
	}
	if err := thirdparty.WriteDocFile(*out, reps); err != nil {
		fmt.Fprintln(os.Stderr, "mocksdoc:", err)
		return 1
	}
	fmt.Println("wrote", *out)
	return 0
}
