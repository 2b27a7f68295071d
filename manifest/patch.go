package manifest

import "strings"

// pointer converts a field path ("spec.containers[0].securityContext",
// "metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]") into
// an RFC 6901 JSON pointer ("/spec/containers/0/securityContext",
// "/metadata/annotations/seccomp.security.alpha.kubernetes.io~1pod"),
// escaping "~" as "~0" and "/" as "~1" in every reference token.
func pointer(path string) string {
	var b strings.Builder
	b.Grow(len(path) + 8)
	for i := 0; i < len(path); {
		switch path[i] {
		case '.':
			i++
			continue
		case '[':
			end := strings.IndexByte(path[i:], ']')
			if end < 0 {
				end = len(path) - i
			}
			b.WriteByte('/')
			writeToken(&b, path[i+1:i+end])
			i += end + 1
			continue
		}
		j := i
		for j < len(path) && path[j] != '.' && path[j] != '[' {
			j++
		}
		b.WriteByte('/')
		writeToken(&b, path[i:j])
		i = j
	}
	return b.String()
}

func writeToken(b *strings.Builder, tok string) {
	for i := 0; i < len(tok); i++ {
		switch tok[i] {
		case '~':
			b.WriteString("~0")
		case '/':
			b.WriteString("~1")
		default:
			b.WriteByte(tok[i])
		}
	}
}
