package apparmor

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Every *Error wraps one of them, so callers can test the
// class with errors.Is.
var (
	// ErrSyntax is a lexical or grammatical error.
	ErrSyntax = errors.New("syntax error")
	// ErrInvalid is a well-formed construct that apparmor_parser rejects
	// (unknown capability, conflicting permissions, bad flag …).
	ErrInvalid = errors.New("invalid rule")
	// ErrInclude is an include that cannot be resolved or that recurses.
	ErrInclude = errors.New("include error")
	// ErrUndefinedVariable is a reference to a variable never assigned.
	ErrUndefinedVariable = errors.New("undefined variable")
	// ErrVersion is a construct the targeted parser version does not know.
	ErrVersion = errors.New("construct needs a newer AppArmor parser")
	// ErrLimit is a size, depth or count budget that the input exceeds.
	ErrLimit = errors.New("input exceeds a parser limit")
)

// Error is one problem found in a profile, with its position.
type Error struct {
	Pos Pos
	Msg string
	Err error // one of the sentinel errors
}

// Error renders "file:line:column: message".
func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s", e.Pos, e.Msg)
}

// Unwrap returns the sentinel class.
func (e *Error) Unwrap() error { return e.Err }

// ErrorList is every error found in one parse, in source order.
type ErrorList []*Error

// Error joins the messages (first five).
func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i == 5 {
			fmt.Fprintf(&b, "\n(and %d more errors)", len(l)-5)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap exposes the individual errors to errors.Is/As.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// Err returns nil for an empty list, the list otherwise.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}
