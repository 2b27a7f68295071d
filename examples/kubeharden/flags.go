package main

import (
	"flag"
	"fmt"
	"strings"
)

// parseInterleaved parses flags that may appear before, between or after
// positional arguments ("scan dir --format json"); "--" ends flags.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// flag.Parse stops at the first non-flag or after "--".
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// listFlag accumulates comma-separated or repeated values.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

// optionalInt is an int flag that remembers whether it was set.
type optionalInt struct {
	set bool
	v   int
}

func (o *optionalInt) String() string {
	if !o.set {
		return ""
	}
	return fmt.Sprint(o.v)
}

func (o *optionalInt) Set(s string) error {
	var v int
	if _, err := fmt.Sscan(s, &v); err != nil {
		return fmt.Errorf("not an integer: %q", s)
	}
	o.v, o.set = v, true
	return nil
}
