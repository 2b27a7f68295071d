package netpol

import (
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// PortRange is an inclusive range of port numbers.
type PortRange struct{ Lo, Hi int }

const (
	minPort = 1
	maxPort = 65535
)

// protoIndex orders protocols alphabetically (SCTP, TCP, UDP), the order
// the renderers use.
func protoIndex(p corev1.Protocol) int {
	switch p {
	case corev1.ProtocolSCTP:
		return 0
	case corev1.ProtocolTCP:
		return 1
	case corev1.ProtocolUDP:
		return 2
	}
	return -1
}

var protoByIndex = [3]corev1.Protocol{corev1.ProtocolSCTP, corev1.ProtocolTCP, corev1.ProtocolUDP}

// ConnSet is a set of connections: port ranges per protocol. The zero value
// is the empty set.
type ConnSet struct {
	r [3][]PortRange // sorted, disjoint, non-adjacent
}

var fullRange = []PortRange{{minPort, maxPort}}

// AllConns returns the set of every port of every protocol.
func AllConns() ConnSet {
	return ConnSet{r: [3][]PortRange{fullRange, fullRange, fullRange}}
}

// IsEmpty reports whether no connection is in the set.
func (c ConnSet) IsEmpty() bool {
	return len(c.r[0]) == 0 && len(c.r[1]) == 0 && len(c.r[2]) == 0
}

// IsAll reports whether every port of every protocol is in the set.
func (c ConnSet) IsAll() bool {
	for i := range c.r {
		if len(c.r[i]) != 1 || c.r[i][0] != fullRange[0] {
			return false
		}
	}
	return true
}

// Contains reports whether port/proto is in the set.
func (c ConnSet) Contains(port int, proto corev1.Protocol) bool {
	i := protoIndex(proto)
	if i < 0 {
		return false
	}
	for _, r := range c.r[i] {
		if port >= r.Lo && port <= r.Hi {
			return true
		}
	}
	return false
}

// Ranges returns the port ranges of proto (shared; do not modify).
func (c ConnSet) Ranges(proto corev1.Protocol) []PortRange {
	i := protoIndex(proto)
	if i < 0 {
		return nil
	}
	return c.r[i]
}

// Equal reports whether the sets are equal.
func (c ConnSet) Equal(o ConnSet) bool {
	for i := range c.r {
		if !slices.Equal(c.r[i], o.r[i]) {
			return false
		}
	}
	return true
}

// add inserts a range of proto (in place; the receiver must own its slices).
func (c *ConnSet) add(proto int, lo, hi int) {
	c.r[proto] = unionRanges(c.r[proto], []PortRange{{lo, hi}})
}

// Union returns c ∪ o.
func (c ConnSet) Union(o ConnSet) ConnSet {
	var out ConnSet
	for i := range c.r {
		switch {
		case len(o.r[i]) == 0:
			out.r[i] = c.r[i]
		case len(c.r[i]) == 0:
			out.r[i] = o.r[i]
		case isFull(c.r[i]) || isFull(o.r[i]):
			out.r[i] = fullRange
		default:
			out.r[i] = unionRanges(c.r[i], o.r[i])
		}
	}
	return out
}

// Intersect returns c ∩ o.
func (c ConnSet) Intersect(o ConnSet) ConnSet {
	var out ConnSet
	for i := range c.r {
		switch {
		case len(o.r[i]) == 0 || len(c.r[i]) == 0:
		case isFull(c.r[i]):
			out.r[i] = o.r[i]
		case isFull(o.r[i]):
			out.r[i] = c.r[i]
		default:
			out.r[i] = intersectRanges(c.r[i], o.r[i])
		}
	}
	return out
}

func isFull(r []PortRange) bool { return len(r) == 1 && r[0] == fullRange[0] }

func unionRanges(a, b []PortRange) []PortRange {
	all := make([]PortRange, 0, len(a)+len(b))
	all = append(all, a...)
	all = append(all, b...)
	slices.SortFunc(all, func(x, y PortRange) int { return x.Lo - y.Lo })
	out := all[:0:0]
	for _, r := range all {
		if n := len(out); n > 0 && r.Lo <= out[n-1].Hi+1 {
			if r.Hi > out[n-1].Hi {
				out[n-1].Hi = r.Hi
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

func intersectRanges(a, b []PortRange) []PortRange {
	var out []PortRange
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		lo, hi := max(a[i].Lo, b[j].Lo), min(a[i].Hi, b[j].Hi)
		if lo <= hi {
			out = append(out, PortRange{lo, hi})
		}
		if a[i].Hi < b[j].Hi {
			i++
		} else {
			j++
		}
	}
	return out
}

// String renders the set the way netpol-analyzer does: "All Connections",
// "No Connections", or protocols in alphabetical order with their ports,
// "TCP 8080,9090-9100,UDP 53". A protocol with every port is written
// "TCP 1-65535".
func (c ConnSet) String() string {
	if c.IsAll() {
		return "All Connections"
	}
	if c.IsEmpty() {
		return "No Connections"
	}
	var b strings.Builder
	for i, rs := range c.r {
		if len(rs) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(string(protoByIndex[i]))
		b.WriteByte(' ')
		for k, r := range rs {
			if k > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(r.Lo))
			if r.Hi != r.Lo {
				b.WriteByte('-')
				b.WriteString(strconv.Itoa(r.Hi))
			}
		}
	}
	return b.String()
}

// hash is an FNV-1a hash of the set for interning.
func (c ConnSet) hash() uint64 {
	h := uint64(14695981039346656037)
	mix := func(v int) {
		h ^= uint64(v)
		h *= 1099511628211
	}
	for i, rs := range c.r {
		mix(i + 70000)
		for _, r := range rs {
			mix(r.Lo)
			mix(r.Hi)
		}
	}
	return h
}
