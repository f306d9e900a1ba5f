package readme

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/noticeconf/noticeconf/suites/brokentest"
)

// TestREADMECheckCounts holds the README's count of verify's checks to the catalogue
// (suites/conformance.yaml, kept fresh by the tests of suites/brokentest): the checks
// of a run without --cassettes, and how many of them are generated.
func TestREADMECheckCounts(t *testing.T) {
	md, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`What is checked \((\d+) checks: (\d+) hand-picked requests, and (\d+) generated checks`).FindSubmatch(md)
	if m == nil {
		t.Fatal(`README.md: no sentence "What is checked (N checks: H hand-picked requests, and G generated checks"`)
	}
	b, err := os.ReadFile("../../suites/conformance.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var checks []struct {
		Name   string   `yaml:"name"`
		Labels []string `yaml:"labels"`
	}
	if err := yaml.Unmarshal(b, &checks); err != nil {
		t.Fatalf("suites/conformance.yaml: %v", err)
	}
	all, generated := 0, 0
	for _, c := range checks {
		if slices.Contains(c.Labels, "cassette") {
			continue // only with --cassettes
		}
		all++
		if slices.Contains(c.Labels, "generated") {
			generated++
		}
	}
	if all == 0 {
		t.Fatal("suites/conformance.yaml lists no check")
	}
	got := [3]int{}
	for i := range got {
		got[i], _ = strconv.Atoi(string(m[i+1]))
	}
	if want := [3]int{all, all - generated, generated}; got != want {
		t.Errorf("README.md says %d checks: %d hand-picked and %d generated; suites/conformance.yaml has %d: %d and %d", got[0], got[1], got[2], want[0], want[1], want[2])
	}
}

// TestREADMEBrokenServerCount holds the README's count of the broken servers verify is
// proved against to suites/brokentest: every number it gives of them.
func TestREADMEBrokenServerCount(t *testing.T) {
	md, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	ms := regexp.MustCompile(`runs it against (\d+) deliberately broken|the (\d+) take a few minutes`).FindAllSubmatch(md, -1)
	if len(ms) != 2 {
		t.Fatalf(`README.md: want the sentences "runs it against N deliberately broken" and "the N take a few minutes", found %d`, len(ms))
	}
	want := len(brokentest.Broken())
	for _, m := range ms {
		n := string(m[1]) + string(m[2])
		if got, _ := strconv.Atoi(n); got != want {
			t.Errorf("README.md says %q: suites/brokentest has %d broken servers", m[0], want)
		}
	}
}
