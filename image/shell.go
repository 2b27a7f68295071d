package image

import "strings"

// shellCmd is one simple command of a RUN script.
type shellCmd struct {
	// words are the command's words with quotes removed.
	words []string
	// pipeIn reports that the command reads a pipe ("a | b": b).
	pipeIn bool
}

// maxShellWords bounds the work spent on one RUN script.
const maxShellWords = 20000

// splitShell splits a POSIX shell script into simple commands: it honours
// quotes, backslash escapes and line continuations, and separates on
// newlines, ";", "&", "&&", "||", "|", parentheses and "$(" / "`", so that
// commands inside substitutions are seen too. It is a lexer for linting,
// not an interpreter.
func splitShell(script string) []shellCmd {
	var (
		out   []shellCmd
		cur   shellCmd
		word  strings.Builder
		inW   bool
		quote byte
		total int
		// subst remembers the quote state outside each open "$(".
		subst []byte
	)
	flushWord := func() {
		if inW {
			cur.words = append(cur.words, word.String())
			word.Reset()
			inW = false
			total++
		}
	}
	flushCmd := func(pipeNext bool) {
		flushWord()
		if len(cur.words) > 0 {
			out = append(out, cur)
		}
		cur = shellCmd{pipeIn: pipeNext}
	}
	for i := 0; i < len(script) && total < maxShellWords; i++ {
		c := script[i]
		if quote == '\'' {
			if c == '\'' {
				quote = 0
			} else {
				word.WriteByte(c)
			}
			continue
		}
		if c == '\\' && i+1 < len(script) {
			i++
			if script[i] != '\n' {
				word.WriteByte(script[i])
				inW = true
			}
			continue
		}
		if quote == '"' {
			switch {
			case c == '"':
				quote = 0
			case c == '$' && i+1 < len(script) && script[i+1] == '(' && len(subst) < 64:
				// A substitution inside double quotes: lint its commands too.
				inW = false
				word.Reset()
				flushCmd(false)
				subst = append(subst, quote)
				quote = 0
				i++
			case c == '`':
				flushCmd(false)
			default:
				word.WriteByte(c)
			}
			continue
		}
		switch c {
		case '\'', '"':
			quote = c
			inW = true
		case ' ', '\t', '\r':
			flushWord()
		case '#':
			if inW {
				word.WriteByte(c)
				continue
			}
			for i < len(script) && script[i] != '\n' {
				i++
			}
			flushCmd(false)
		case ')':
			flushCmd(false)
			if len(subst) > 0 {
				quote = subst[len(subst)-1]
				subst = subst[:len(subst)-1]
				inW = quote != 0
			}
		case '\n', ';', '(', '`', '{', '}':
			if (c == '{' || c == '}') && inW {
				word.WriteByte(c)
				continue
			}
			flushCmd(false)
		case '&':
			if inW && i > 0 && (script[i-1] == '>' || script[i-1] == '<') {
				word.WriteByte(c)
				continue
			}
			if i+1 < len(script) && script[i+1] == '&' {
				i++
			}
			flushCmd(false)
		case '|':
			if i+1 < len(script) && script[i+1] == '|' {
				i++
				flushCmd(false)
			} else {
				flushCmd(true)
			}
		case '$':
			if i+1 < len(script) && script[i+1] == '(' && len(subst) < 64 {
				flushCmd(false)
				subst = append(subst, 0)
				i++
				continue
			}
			word.WriteByte(c)
			inW = true
		default:
			word.WriteByte(c)
			inW = true
		}
	}
	flushCmd(false)
	return out
}

// name returns the command's program and arguments, skipping leading
// variable assignments and wrappers (sudo, env, command, exec, nohup,
// time). The program is the base name ("/usr/bin/curl" gives "curl").
func (c shellCmd) name() (string, []string) {
	w := c.words
	for len(w) > 0 {
		switch {
		case isAssignment(w[0]):
			w = w[1:]
		case w[0] == "sudo" || w[0] == "env" || w[0] == "command" || w[0] == "exec" || w[0] == "nohup" || w[0] == "time" || w[0] == "then" || w[0] == "do" || w[0] == "else" || w[0] == "!":
			sudo := w[0] == "sudo"
			w = w[1:]
			for len(w) > 0 && strings.HasPrefix(w[0], "-") {
				if sudo && (w[0] == "-u" || w[0] == "-g") && len(w) > 1 {
					w = w[1:]
				}
				w = w[1:]
			}
		default:
			p := w[0]
			if i := strings.LastIndexByte(p, '/'); i >= 0 && i < len(p)-1 {
				p = p[i+1:]
			}
			return p, w[1:]
		}
	}
	return "", nil
}

func isAssignment(w string) bool {
	i := strings.IndexByte(w, '=')
	if i <= 0 {
		return false
	}
	for j := 0; j < i; j++ {
		c := w[j]
		if !(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (j > 0 && c >= '0' && c <= '9')) {
			return false
		}
	}
	return true
}

// hasWord reports whether any argument equals one of ws.
func hasWord(args []string, ws ...string) bool {
	for _, a := range args {
		for _, w := range ws {
			if a == w {
				return true
			}
		}
	}
	return false
}

// hasShortFlag reports a single-dash flag cluster containing letter
// ("-fsSLk" has 'k').
func hasShortFlag(args []string, letter byte) bool {
	for _, a := range args {
		if len(a) > 1 && a[0] == '-' && a[1] != '-' && strings.IndexByte(a[1:], letter) >= 0 && isLetters(a[1:]) {
			return true
		}
	}
	return false
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			return false
		}
	}
	return true
}

// subcommand returns the first argument that is not a flag (and the rest
// after it), e.g. "install" for "apt-get -y install curl".
func subcommand(args []string, flagsWithValue ...string) (string, []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			if hasWord([]string{a}, flagsWithValue...) {
				i++
			}
			continue
		}
		return a, args[i+1:]
	}
	return "", nil
}
