package manifest

import "github.com/kubeharden/kubeharden/image"

// imageRef is what the image rules need from a reference.
type imageRef struct {
	tag, digest string
}

func (r imageRef) nameOnly() bool { return r.tag == "" && r.digest == "" }
func (r imageRef) latest() bool   { return r.digest == "" && (r.tag == "" || r.tag == "latest") }
func (r imageRef) mutable() bool  { return r.digest == "" }

// defaultPullPolicy is the imagePullPolicy Kubernetes defaults to.
func (r imageRef) defaultPullPolicy() string {
	if r.tag == "latest" || (r.tag == "" && r.digest == "") {
		return "Always"
	}
	return "IfNotPresent"
}

// parseImage splits an image reference into tag and digest. Common
// references (lower-case path components, an optional dotted registry with
// port, a tag and a sha256 digest) are recognised by a small hand-written
// parser that accepts a subset of distribution/reference's grammar; anything
// else goes to image.ParseReference (regular expressions, about ten times
// slower). FuzzParseImage checks that the fast path never disagrees.
func parseImage(s string) (imageRef, error) {
	if r, ok := fastImage(s); ok {
		return r, nil
	}
	ref, err := image.ParseReference(s)
	if err != nil {
		return imageRef{}, err
	}
	return imageRef{tag: ref.Tag, digest: ref.Digest}, nil
}

func isLowerAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
func isHex(c byte) bool        { return c >= 'a' && c <= 'f' || c >= '0' && c <= '9' }

// fastImage accepts name[:tag][@sha256:hex] where name is
// [domain/]component(/component)*; it reports ok=false whenever it is not
// sure, never for an invalid reference it would accept.
func fastImage(s string) (imageRef, bool) {
	var r imageRef
	if len(s) == 0 || len(s) > 255 {
		return r, false
	}
	if len(s) == 64 && allHex(s) {
		return r, false // distribution/reference rejects bare 64-hex names
	}
	name := s
	if i := lastIndexByte(s, '@'); i >= 0 {
		d := s[i+1:]
		if len(d) != len("sha256:")+64 || d[:7] != "sha256:" {
			return r, false
		}
		for j := 7; j < len(d); j++ {
			if !isHex(d[j]) {
				return r, false
			}
		}
		r.digest, name = d, s[:i]
	}
	// a tag follows the last ':' after the last '/'
	slash := lastIndexByte(name, '/')
	if i := lastIndexByte(name, ':'); i > slash {
		t := name[i+1:]
		if len(t) == 0 || len(t) > 128 {
			return r, false
		}
		for j := 0; j < len(t); j++ {
			c := t[j]
			w := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
			if !w && (j == 0 || (c != '.' && c != '-')) {
				return r, false
			}
		}
		r.tag, name = t, name[:i]
	}
	// distribution/reference limits the normalised name
	// ("docker.io/library/" + name) to 255 bytes; stay well below it.
	if len(name) > 200 {
		return r, false
	}
	// components
	first := true
	for len(name) > 0 {
		comp := name
		rest := ""
		if i := indexByte(name, '/'); i >= 0 {
			comp, rest = name[:i], name[i+1:]
			if rest == "" {
				return r, false
			}
		}
		if first && rest != "" && (indexByte(comp, '.') >= 0 || indexByte(comp, ':') >= 0 || comp == "localhost") {
			if !fastDomain(comp) {
				return r, false
			}
		} else if !fastComponent(comp) {
			return r, false
		}
		first = false
		name = rest
	}
	return r, !first
}

// fastDomain: dot-separated labels of [a-z0-9-] not starting or ending
// with '-', optional :port.
func fastDomain(d string) bool {
	host := d
	if i := indexByte(d, ':'); i >= 0 {
		host = d[:i]
		port := d[i+1:]
		if port == "" {
			return false
		}
		for j := 0; j < len(port); j++ {
			if port[j] < '0' || port[j] > '9' {
				return false
			}
		}
	}
	if host == "" {
		return false
	}
	for host != "" {
		label := host
		if i := indexByte(host, '.'); i >= 0 {
			label, host = host[:i], host[i+1:]
			if host == "" {
				return false // trailing dot
			}
		} else {
			host = ""
		}
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for j := 0; j < len(label); j++ {
			if !isLowerAlnum(label[j]) && label[j] != '-' {
				return false
			}
		}
	}
	return true
}

// fastComponent: [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)*
func fastComponent(c string) bool {
	if c == "" || !isLowerAlnum(c[0]) || !isLowerAlnum(c[len(c)-1]) {
		return false
	}
	for i := 0; i < len(c); {
		if isLowerAlnum(c[i]) {
			i++
			continue
		}
		j := i
		for j < len(c) && !isLowerAlnum(c[j]) {
			j++
		}
		sep := c[i:j]
		switch {
		case sep == "." || sep == "_" || sep == "__":
		case allDashes(sep):
		default:
			return false
		}
		i = j
	}
	return true
}

func allDashes(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '-' {
			return false
		}
	}
	return true
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func lastIndexByte(s string, c byte) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}
