package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/kubeharden/kubeharden"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// WriteJUnit renders JUnit XML: one testsuite per report (named
// "source: object"), one testcase per finding; failed findings carry a
// <failure> with position and fix, suppressed ones are <skipped>, and input
// errors form a suite of <error> cases.
func WriteJUnit(w io.Writer, res Result, opts Options) error {
	root := junitSuites{Name: nonEmpty(opts.Tool.Name, "kubeharden")}
	for _, r := range sortedReports(res.Reports) {
		s := junitSuite{Name: fmt.Sprintf("%s: %s", r.Source, objectName(r)), Time: "0"}
		fs := append([]kubeharden.Finding(nil), r.Findings...)
		kubeharden.SortFindings(fs)
		for _, f := range fs {
			c := junitCase{Name: f.RuleID, Classname: objectName(r), Time: "0"}
			if f.Path != "" {
				c.Name += " " + f.Path
			}
			switch {
			case f.Suppressed:
				c.Skipped = &junitMessage{Message: "suppressed: " + f.SuppressReason}
				s.Skipped++
			case !f.Passed:
				var b strings.Builder
				fmt.Fprintf(&b, "%s\n", f.Message)
				if f.Position.Line > 0 {
					fmt.Fprintf(&b, "at %s:%d:%d\n", r.Source, f.Position.Line, f.Position.Column)
				}
				if f.Fix != "" {
					fmt.Fprintf(&b, "fix: %s\n", f.Fix)
				}
				c.Failure = &junitMessage{Message: f.Message, Type: f.Severity.String(), Text: b.String()}
				s.Failures++
			}
			s.Tests++
			s.Cases = append(s.Cases, c)
		}
		for _, e := range r.Errors {
			s.Cases = append(s.Cases, junitCase{Name: "input error", Classname: objectName(r), Time: "0",
				Error: &junitMessage{Message: e.Error(), Type: "input"}})
			s.Tests++
			s.Errors++
		}
		root.Tests += s.Tests
		root.Failures += s.Failures
		root.Errors += s.Errors
		root.Suites = append(root.Suites, s)
	}
	if len(res.Errors) > 0 {
		s := junitSuite{Name: "input errors", Time: "0"}
		for _, e := range res.Errors {
			s.Cases = append(s.Cases, junitCase{Name: e.Source, Classname: "input", Time: "0",
				Error: &junitMessage{Message: e.Error(), Type: "input"}})
			s.Tests++
			s.Errors++
		}
		root.Tests += s.Tests
		root.Errors += s.Errors
		root.Suites = append(root.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
