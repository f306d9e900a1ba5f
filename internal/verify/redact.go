package verify

import (
	"bytes"
	"errors"
	"io"
	"sync"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/noticeconf/noticeconf/internal/redact"
	"github.com/noticeconf/noticeconf/suites"
)

// ReportFileMode is the mode of the report files verify writes (JSON, JUnit,
// Markdown): they show requests and answers, so only their owner may read them.
const ReportFileMode = 0o600

// policyFor returns the redaction policy of a run against t, whose URL the user gave
// as target: the default rules plus every credential the run holds and the userinfo
// and secret query values of the target's URL. Everything verify writes (stdout,
// reports, errors) goes through it.
func policyFor(t suites.Target, target string) *redact.Policy {
	p, err := redact.New(redact.Config{
		Secrets: []string{t.Token, t.AK, t.SK, t.ForbiddenToken},
		URLs:    []string{target, t.URL},
	})
	if err != nil { // a Config of secrets and URLs only cannot fail
		return redact.Default()
	}
	return p
}

// Policy returns the redaction policy of a run with o: the default rules plus o's
// credentials (Token, AK, SK, ForbiddenToken) and the userinfo and secret query
// values of o.Target. Run uses it, with the demo profile's credentials too when it
// fills them in.
func (o Options) Policy() *redact.Policy {
	return policyFor(suites.Target{Token: o.Token, AK: o.AK, SK: o.SK, ForbiddenToken: o.ForbiddenToken}, o.Target)
}

// WriteOutputs writes what Run writes for the Ginkgo report r of a run against the
// target named name: the table to stdout and the report files o names, everything
// through o.Policy. It returns the report as written.
func (o Options) WriteOutputs(name string, r types.Report, stdout io.Writer) (Report, error) {
	return o.outputs(o.Policy(), name, r, stdout, func(*Report) {})
}

func (o Options) outputs(pol *redact.Policy, name string, r types.Report, stdout io.Writer, run func(*Report)) (Report, error) {
	r = redactGinkgo(pol, r)
	rep := FromGinkgo(pol.Text(name), r)
	run(&rep)
	rep = rep.Redacted(pol)
	if err := rep.WriteTable(stdout); err != nil {
		return rep, err
	}
	if err := o.writeFiles(rep, r); err != nil {
		return rep, err
	}
	return rep, nil
}

// Redacted returns the report with every text a target may have put in it (the
// reasons, the details, the target's name) through the policy, control characters
// escaped.
func (r Report) Redacted(p *redact.Policy) Report {
	out := r
	out.Target = redact.Printable(p.Text(r.Target))
	out.Notes = make([]string, len(r.Notes))
	for i, n := range r.Notes {
		out.Notes[i] = p.Text(n)
	}
	out.Checks = make([]Check, len(r.Checks))
	for i, c := range r.Checks {
		c.Name = redact.Printable(c.Name)
		c.Reason = redact.Printable(p.Text(c.Reason))
		c.Details = redact.Printable(p.Text(c.Details))
		out.Checks[i] = c
	}
	return out
}

// redactGinkgo returns a copy of a Ginkgo report with the texts the JUnit report
// shows through the policy.
func redactGinkgo(p *redact.Policy, r types.Report) types.Report {
	text := func(s string) string { return redact.Printable(p.Text(s)) }
	out := r
	out.SpecReports = make(types.SpecReports, len(r.SpecReports))
	for i, s := range r.SpecReports {
		s.Failure = redactFailure(text, s.Failure)
		if len(s.AdditionalFailures) > 0 {
			add := make([]types.AdditionalFailure, len(s.AdditionalFailures))
			for j, a := range s.AdditionalFailures {
				a.Failure = redactFailure(text, a.Failure)
				add[j] = a
			}
			s.AdditionalFailures = add
		}
		s.CapturedGinkgoWriterOutput = text(s.CapturedGinkgoWriterOutput)
		s.CapturedStdOutErr = text(s.CapturedStdOutErr)
		s.ReportEntries = nil // free-form values; the report files do not show them
		s.ProgressReports = nil
		out.SpecReports[i] = s
	}
	out.SpecialSuiteFailureReasons = make([]string, len(r.SpecialSuiteFailureReasons))
	for i, s := range r.SpecialSuiteFailureReasons {
		out.SpecialSuiteFailureReasons[i] = text(s)
	}
	return out
}

func redactFailure(text func(string) string, f types.Failure) types.Failure {
	f.Message = text(f.Message)
	f.ForwardedPanic = text(f.ForwardedPanic)
	f.Location.FullStackTrace = text(f.Location.FullStackTrace)
	f.ProgressReport = types.ProgressReport{}
	f.AdditionalFailure = nil
	return f
}

// redactedError is an error whose message went through the policy.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactErr returns err with its message through the policy; errors.Is still sees
// what it wraps.
func redactErr(p *redact.Policy, err error) error {
	if err == nil {
		return nil
	}
	var re *redactedError
	if errors.As(err, &re) && re == err {
		return err
	}
	return &redactedError{msg: redact.Printable(p.Text(err.Error())), err: err}
}

// lineWriter passes what is written to w a line at a time through the policy, so
// that a secret is never split across two writes. Flush writes a last partial line.
type lineWriter struct {
	mu  sync.Mutex
	w   io.Writer
	p   *redact.Policy
	buf []byte
}

func (l *lineWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, b...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		line := redact.Printable(l.p.Text(string(l.buf[:i])))
		l.buf = l.buf[i+1:]
		if _, err := io.WriteString(l.w, line+"\n"); err != nil {
			return len(b), err
		}
	}
	return len(b), nil
}

// Flush writes what is left.
func (l *lineWriter) Flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) == 0 {
		return nil
	}
	_, err := io.WriteString(l.w, redact.Printable(l.p.Text(string(l.buf))))
	l.buf = nil
	return err
}
