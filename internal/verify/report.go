package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/redact"
	"github.com/noticeconf/noticeconf/suites"
)

// Result is the outcome of one check.
type Result string

const (
	// ResultPass: the target holds the rule.
	ResultPass Result = "pass"
	// ResultFail: the target breaks a MUST rule; it does not conform.
	ResultFail Result = "fail"
	// ResultWarn: the target breaks a SHOULD rule; it conforms, with a warning.
	ResultWarn Result = "warn"
	// ResultSkip: the check did not run (the target lacks what it needs, or a filter left
	// it out); Reason says which.
	ResultSkip Result = "skip"
)

// Check is one check's line of the report.
type Check struct {
	// Name is the check's name: its condition and its behaviour, e.g. "when the body
	// is not JSON answers 400".
	Name   string          `json:"check"`
	Level  suites.Level    `json:"level"`
	Source contract.Source `json:"source"`
	Result Result          `json:"result"`
	// Reason is one line: why the check failed, warned or was skipped. Empty on pass.
	Reason string `json:"reason,omitempty"`
	// Details is the whole failure message: the rule, the request sent, the response
	// got. Empty on pass and skip.
	Details string   `json:"details,omitempty"`
	Labels  []string `json:"labels"`
}

// Summary counts the checks by result.
type Summary struct {
	Checks   int `json:"checks"`
	Passed   int `json:"passed"`
	Failed   int `json:"failed"`
	Warnings int `json:"warnings"`
	Skipped  int `json:"skipped"`
}

// Report is the outcome of a verify run.
type Report struct {
	// Target names the server checked, without credentials.
	Target string `json:"target"`
	// Conforms reports whether every MUST check that ran passed.
	Conforms bool     `json:"conforms"`
	Summary  Summary  `json:"summary"`
	Duration Duration `json:"duration"`
	// Seed is the seed of the generated checks; --seed runs them again alike.
	Seed uint64 `json:"seed"`
	// Examples is the number of requests each generated check tried.
	Examples int `json:"examples"`
	// CutShort, when not empty, says why the run ended before every selected check
	// ran (its time bound passed, or it was interrupted): the checks not run are
	// skipped, the one running then failed, and the report is no verdict.
	CutShort string `json:"cut_short,omitempty"`
	// Notes say what the run did differently because of the target's settings.
	Notes  []string `json:"notes,omitempty"`
	Checks []Check  `json:"checks"`
}

// Duration is a time.Duration that encodes as "1.234s" in JSON.
type Duration time.Duration

// MarshalJSON encodes d as its String form.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).Round(time.Millisecond).String())
}

// UnmarshalJSON decodes the String form.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	*d = Duration(v)
	return nil
}

// notSelected is the reason of a check a filter left out.
const notSelected = "not selected by --label-filter, --focus or --skip"

// FromGinkgo builds the report of a Ginkgo run of the suites. Only It specs count;
// a check without a level label counts as MUST.
func FromGinkgo(target string, r types.Report) Report {
	rep := Report{Target: target, Conforms: true, Duration: Duration(r.RunTime)}
	selected := selection(r)
	cut := cutShort(r.SpecialSuiteFailureReasons)
	rep.CutShort = cut
	for _, s := range r.SpecReports {
		if s.LeafNodeType != types.NodeTypeIt {
			continue
		}
		level, source, ok := suites.RuleOf(s.Labels())
		if !ok {
			level = suites.Must
		}
		texts := s.ContainerHierarchyTexts
		if len(texts) > 0 {
			texts = texts[1:] // the endpoint, the same for every check
		}
		c := Check{
			Name:   strings.Join(append(append([]string{}, texts...), s.LeafNodeText), " "),
			Level:  level,
			Source: source,
			Labels: s.Labels(),
		}
		msg := strings.TrimSpace(s.Failure.Message)
		switch {
		case s.State == types.SpecStatePassed:
			c.Result = ResultPass
		case cut != "" && s.State.Is(types.SpecStateTimedout|types.SpecStateInterrupted):
			// Cut off while it ran: no verdict either way.
			c.Result, c.Reason, c.Details = ResultSkip, "cut off: "+cut, msg
		case s.State == types.SpecStateSkipped || s.State == types.SpecStatePending:
			c.Result, c.Reason = ResultSkip, firstLine(msg)
			switch {
			case c.Reason != "":
			case cut != "" && selected(s):
				c.Reason = "not run: " + cut
			default:
				c.Reason = notSelected
			}
		default: // failed, panicked, timed out, interrupted, aborted
			c.Result, c.Reason, c.Details = ResultFail, firstLine(msg), msg
			if c.Reason == "" {
				c.Reason = s.State.String()
			}
			if level == suites.Should {
				c.Result = ResultWarn
			}
		}
		rep.add(c)
	}
	return rep
}

// cutShort says why a run with Ginkgo's special failure reasons ended early, or ""
// when it ran to its end.
func cutShort(reasons []string) string {
	var out []string
	for _, r := range reasons {
		switch {
		case r == "Suite Timeout Elapsed":
			out = append(out, "the run's time bound (--run-timeout) passed")
		case strings.HasPrefix(r, "Interrupted"):
			out = append(out, "the run was interrupted")
		}
	}
	return strings.Join(out, "; ")
}

// selection returns whether the filters of the run r select a check, as Ginkgo
// decides it: its labels match the label filter, its full text (after the suite's
// description) a focus expression and no skip expression.
func selection(r types.Report) func(types.SpecReport) bool {
	c := r.SuiteConfig
	var labels types.LabelFilter
	if c.LabelFilter != "" {
		labels, _ = types.ParseLabelFilter(c.LabelFilter)
	}
	compile := func(res []string) *regexp.Regexp {
		if len(res) == 0 {
			return nil
		}
		re, err := regexp.Compile(strings.Join(res, "|"))
		if err != nil {
			return nil
		}
		return re
	}
	focus, skip := compile(c.FocusStrings), compile(c.SkipStrings)
	return func(s types.SpecReport) bool {
		text := r.SuiteDescription + " " + s.FullText()
		return (labels == nil || labels(s.Labels())) &&
			(focus == nil || focus.MatchString(text)) &&
			(skip == nil || !skip.MatchString(text))
	}
}

func (r *Report) add(c Check) {
	r.Checks = append(r.Checks, c)
	r.Summary.Checks++
	switch c.Result {
	case ResultPass:
		r.Summary.Passed++
	case ResultFail:
		r.Summary.Failed++
		r.Conforms = false
	case ResultWarn:
		r.Summary.Warnings++
	case ResultSkip:
		r.Summary.Skipped++
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimSpace(line)
}

// Verdict is the report's one-line conclusion.
func (r Report) Verdict() string {
	s := r.Summary
	counts := fmt.Sprintf("%d checks: %d passed, %d failed, %d warnings, %d skipped", s.Checks, s.Passed, s.Failed, s.Warnings, s.Skipped)
	if !r.Conforms {
		return fmt.Sprintf("FAIL: the target does not conform, MUST checks failed: %d. %s", s.Failed, counts)
	}
	if r.CutShort != "" {
		return fmt.Sprintf("INCOMPLETE: %s before every check ran; no MUST check failed until then. %s", r.CutShort, counts)
	}
	if s.Warnings > 0 {
		return fmt.Sprintf("PASS with warnings: every MUST check passed, SHOULD checks warned: %d. %s", s.Warnings, counts)
	}
	return "PASS: every check that ran passed. " + counts
}

// WriteTable writes the summary table (check, level, result, reason), the verdict,
// and the details of every failure and warning. Checks a filter did not select are
// counted in one line rather than listed. Control characters and escape sequences
// (from a target's answer) are written escaped, so that they cannot act on the
// terminal.
func (r Report) WriteTable(w io.Writer) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "noticeconf verify: %s\n", redact.Printable(r.Target))
	r.writeRun(ew)
	fmt.Fprintln(ew)
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECK\tLEVEL\tRESULT\tREASON")
	unselected := 0
	for _, c := range r.Checks {
		if c.Result == ResultSkip && c.Reason == notSelected {
			unselected++ // listed in the file reports, left out here
			continue
		}
		reason := c.Reason
		if reason == "" {
			reason = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", cell(c.Name), c.Level, strings.ToUpper(string(c.Result)), cell(reason))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if unselected > 0 {
		fmt.Fprintf(ew, "(%d more checks %s are left out of this table; the JSON, JUnit and Markdown reports list them)\n", unselected, notSelected)
	}
	fmt.Fprintf(ew, "\n%s\n", r.Verdict())
	for _, c := range r.Checks {
		if c.Result != ResultFail && c.Result != ResultWarn {
			continue
		}
		fmt.Fprintf(ew, "\n--- %s %s: %s\n", strings.ToUpper(string(c.Result)), c.Level, cell(c.Name))
		for _, line := range strings.Split(c.Details, "\n") {
			fmt.Fprintf(ew, "    %s\n", redact.Printable(line))
		}
	}
	return ew.err
}

// writeRun writes the seed and the notes, one line each.
func (r Report) writeRun(w io.Writer) {
	if r.Seed != 0 {
		fmt.Fprintf(w, "seed: %d, %d examples per generated check (noticeconf verify --seed %d repeats this run)\n", r.Seed, r.Examples, r.Seed)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", redact.Printable(n))
	}
}

// WriteJSON writes the report as indented JSON.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write JSON report: %w", err)
	}
	return nil
}

// WriteMarkdown writes the report as a Markdown document: the verdict, a table of
// every check, then the details of every failure and warning. Text from the target
// cannot break out: table cells escape Markdown and HTML, the details are in a code
// fence longer than any run of backticks in them, and control characters are escaped.
func (r Report) WriteMarkdown(w io.Writer) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "# noticeconf verify: %s\n\n**%s**\n\n", mdCell(r.Target), r.Verdict())
	r.writeRun(ew)
	fmt.Fprintln(ew)
	fmt.Fprintln(ew, "| Check | Level | Source | Result | Reason |")
	fmt.Fprintln(ew, "|---|---|---|---|---|")
	for _, c := range r.Checks {
		fmt.Fprintf(ew, "| %s | %s | %s | %s | %s |\n", mdCell(c.Name), c.Level, mdCell(string(c.Source)), resultMark(c.Result), mdCell(c.Reason))
	}
	first := true
	for _, c := range r.Checks {
		if c.Result != ResultFail && c.Result != ResultWarn {
			continue
		}
		if first {
			fmt.Fprint(ew, "\n## Failures and warnings\n")
			first = false
		}
		fence := fenceFor(c.Details)
		fmt.Fprintf(ew, "\n### %s (%s, %s)\n\n%s\n%s\n%s\n", mdCell(c.Name), c.Level, resultMark(c.Result), fence, redact.Printable(c.Details), fence)
	}
	return ew.err
}

func resultMark(r Result) string {
	switch r {
	case ResultPass:
		return "pass"
	case ResultFail:
		return "**FAIL**"
	case ResultWarn:
		return "*warn*"
	}
	return string(r)
}

// mdCell escapes s for a Markdown table cell or heading: one line, control
// characters escaped, Markdown's punctuation backslash-escaped and HTML's <, > and &
// written as entities.
func mdCell(s string) string {
	s = redact.Printable(strings.Join(strings.Fields(s), " "))
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '\\', '`', '*', '_', '[', ']', '|', '#', '!', '~':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// cell is s on one line, control characters escaped, for the terminal table.
func cell(s string) string {
	return redact.Printable(strings.Join(strings.Fields(s), " "))
}

// fenceFor returns a code fence of backticks longer than any run of them in s.
func fenceFor(s string) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
			continue
		}
		run = 0
	}
	return strings.Repeat("`", max(3, longest+1))
}

// errWriter keeps the first write error, so a report is written without checking
// every Fprintf.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = fmt.Errorf("write report: %w", err)
	}
	return n, err
}

// noAnswer starts the message of a check that got no answer from the target.
const noAnswer = "no answer from the target"

// stoppedAnswering returns a note when the target stopped accepting connections
// during the run (a crashed or exited server): from the first check refused a
// connection on, the checks fail for that alone, and the note says so once, naming
// the check whose request was the first to get no answer.
func stoppedAnswering(checks []Check) []string {
	refused := func(c Check) bool {
		return c.Result != ResultPass && c.Result != ResultSkip && strings.Contains(c.Details, noAnswer) && strings.Contains(c.Details, "connection refused")
	}
	first, n := -1, 0
	for i, c := range checks {
		if refused(c) {
			if first < 0 {
				first = i
			}
			n++
		}
	}
	if n < 2 {
		return nil
	}
	culprit := first
	for i := first - 1; i >= 0; i-- {
		if c := checks[i]; c.Result == ResultPass {
			break
		} else if strings.Contains(c.Details, noAnswer) {
			culprit = i
		}
	}
	where := fmt.Sprintf("the details of %q show the first request it did not answer", checks[culprit].Name)
	if culprit == first {
		where = "that check's details show the first request it did not answer"
	}
	return []string{fmt.Sprintf("the target stopped accepting connections (connection refused) during the run: %d checks from %q on failed for that alone, without an answer to judge; %s", n, checks[first].Name, where)}
}
