package netpol

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Errors returned by Matrix.
var (
	// ErrBadCIDR: an external CIDR cannot be parsed.
	ErrBadCIDR = errors.New("bad external CIDR")
	// ErrTooManyClasses: the model has more equivalence classes than
	// MatrixOptions.MaxClasses.
	ErrTooManyClasses = errors.New("too many equivalence classes for a matrix")
)

// MatrixOptions choose what the connectivity matrix covers. The zero value
// covers every pod of the model and no external address.
type MatrixOptions struct {
	// External lists CIDRs ("0.0.0.0/0", "203.0.113.0/24") to include as
	// external endpoints. Each is split into the largest disjoint ranges
	// that every ipBlock of the model treats alike, shown as
	// "a.b.c.d-e.f.g.h[External]" like netpol-analyzer does.
	External []string
	// MaxClasses bounds the equivalence classes (the matrix holds
	// classes² cells); zero means DefaultMaxClasses. Beyond it Matrix
	// returns ErrTooManyClasses instead of exhausting memory.
	MaxClasses int
	// ByWorkload keeps one representative pod per owner workload and names
	// it "ns/name[Kind]" (Pod.Workload), as netpol-analyzer reports; pods
	// of a Deployment's ReplicaSet are then one row.
	ByWorkload bool
}

// DefaultMaxClasses is the default MatrixOptions.MaxClasses (about 100 MB
// of cells).
const DefaultMaxClasses = 5000

// MatrixEndpoint is a row and column of the matrix.
type MatrixEndpoint struct {
	// Name is the pod ID ("ns/pod", "ns/name[Kind]") or the external range
	// ("0.0.0.0-9.255.255.255[External]").
	Name string
	// Pod is nil for external ranges.
	Pod *Pod
	// First and Last bound an external range.
	First, Last netip.Addr
}

// ConnMatrix is the connectivity between every pair of endpoints. It is
// computed over equivalence classes of endpoints (pods that agree on the
// namespace, the label keys any selector looks at, the named ports rules
// refer to, hostNetwork and the ipBlocks containing their IPs are
// indistinguishable to every policy), so its cost grows with the number of
// classes rather than pods.
type ConnMatrix struct {
	Endpoints []MatrixEndpoint
	class     []int32 // endpoint -> class
	nclass    int
	cells     []uint32 // nclass*nclass -> index in sets
	sets      []ConnSet
}

// Classes returns the number of equivalence classes the matrix was computed on.
func (x *ConnMatrix) Classes() int { return x.nclass }

// Conns returns the connections endpoint i may open to endpoint j. A pod to
// itself is always allowed (loopback); two external ranges have no policy
// between them and report no connections.
func (x *ConnMatrix) Conns(i, j int) ConnSet {
	if i == j && x.Endpoints[i].Pod != nil {
		return AllConns()
	}
	if x.Endpoints[i].Pod == nil && x.Endpoints[j].Pod == nil {
		return ConnSet{}
	}
	return x.sets[x.cells[int(x.class[i])*x.nclass+int(x.class[j])]]
}

// Index returns the position of the endpoint called name, or -1.
func (x *ConnMatrix) Index(name string) int {
	for i, e := range x.Endpoints {
		if e.Name == name {
			return i
		}
	}
	return -1
}

// Matrix computes the connectivity matrix of the model: every pod against
// every pod and the external ranges of opts. It honours the model's
// Options and returns ctx.Err() when cancelled.
func Matrix(ctx context.Context, m *Model, opts MatrixOptions) (*ConnMatrix, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b := &matrixBuilder{m: m, ctx: ctx}
	if err := b.collect(opts); err != nil {
		return nil, err
	}
	if err := b.classify(); err != nil {
		return nil, err
	}
	limit := opts.MaxClasses
	if limit <= 0 {
		limit = DefaultMaxClasses
	}
	if b.x.nclass > limit {
		return nil, fmt.Errorf("%w: %d classes (limit %d)", ErrTooManyClasses, b.x.nclass, limit)
	}
	if err := b.compute(); err != nil {
		return nil, err
	}
	return b.x, nil
}

type flatRule struct {
	pol     *Policy
	rule    *crule
	ingress bool
	match   []uint64 // classes whose representative a peer of the rule admits
	ports   ConnSet  // when !rule.hasNamed
}

type classRep struct {
	ep Endpoint
}

type matrixBuilder struct {
	m      *Model
	ctx    context.Context
	x      *ConnMatrix
	keys   []string // pod label keys any selector reads
	names  []string // named ports referenced by rules
	blocks []*ipBlock
	reps   []classRep
	rules  []flatRule
	intern map[uint64][]uint32
	memo   map[uint64]uint32
	// pod classes per namespace, namespaces in first-seen order
	byNS    map[string][]int
	nsOrder []string
	// distinct ipBlocks (by content) and the classes each admits
	blockIdx   map[string]int
	blockMatch map[int][]uint64
}

func (b *matrixBuilder) collect(opts MatrixOptions) error {
	b.blockIdx = map[string]int{}
	b.blockMatch = map[int][]uint64{}
	keys := map[string]bool{}
	names := map[string]bool{}
	addSel := func(s *selector) {
		if s != nil {
			for _, r := range s.reqs {
				keys[r.key] = true
			}
		}
	}
	for _, p := range b.m.Policies {
		addSel(p.c.sel)
		for _, rs := range [][]crule{p.c.in, p.c.eg} {
			for i := range rs {
				for j := range rs[i].peers {
					pr := &rs[i].peers[j]
					addSel(pr.pod)
					if pr.kind == peerIPBlock {
						k := pr.block.String()
						if _, ok := b.blockIdx[k]; !ok {
							b.blockIdx[k] = len(b.blocks)
							b.blocks = append(b.blocks, &pr.block)
						}
					}
				}
				for _, cp := range rs[i].ports {
					if cp.name != "" {
						names[cp.name] = true
					}
				}
			}
		}
	}
	for k := range keys {
		b.keys = append(b.keys, k)
	}
	slices.Sort(b.keys)
	for n := range names {
		b.names = append(b.names, n)
	}
	slices.Sort(b.names)

	x := &ConnMatrix{}
	seenWL := map[string]bool{}
	for _, p := range b.m.Pods {
		name := p.ID()
		if opts.ByWorkload {
			name = p.Workload()
			if seenWL[name] {
				continue
			}
			seenWL[name] = true
		}
		x.Endpoints = append(x.Endpoints, MatrixEndpoint{Name: name, Pod: p})
	}
	slices.SortStableFunc(x.Endpoints, func(a, c MatrixEndpoint) int { return strings.Compare(a.Name, c.Name) })
	for _, s := range opts.External {
		p, err := parseCIDR(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("%w %q: %v", ErrBadCIDR, s, err)
		}
		for _, r := range b.splitRange(p) {
			x.Endpoints = append(x.Endpoints, MatrixEndpoint{Name: r[0].String() + "-" + r[1].String() + "[External]", First: r[0], Last: r[1]})
		}
	}
	b.x = x
	return nil
}

// splitRange cuts p at every boundary of an ipBlock cidr or except of the
// same family, then merges neighbours that the same ipBlocks contain.
func (b *matrixBuilder) splitRange(p netip.Prefix) [][2]netip.Addr {
	first, last := p.Addr(), lastAddr(p)
	cuts := []netip.Addr{first}
	for _, bl := range b.blocks {
		for _, q := range append([]netip.Prefix{bl.cidr}, bl.except...) {
			if q.Addr().Is4() != first.Is4() {
				continue
			}
			s, e := q.Addr(), lastAddr(q)
			if s.Compare(first) > 0 && s.Compare(last) <= 0 {
				cuts = append(cuts, s)
			}
			if n := e.Next(); n.IsValid() && n.Compare(first) > 0 && n.Compare(last) <= 0 {
				cuts = append(cuts, n)
			}
		}
	}
	slices.SortFunc(cuts, func(a, c netip.Addr) int { return a.Compare(c) })
	cuts = slices.Compact(cuts)
	var out [][2]netip.Addr
	var prevSig string
	for i, c := range cuts {
		end := last
		if i+1 < len(cuts) {
			end = cuts[i+1].Prev()
		}
		sig := b.blockBits(c)
		if len(out) > 0 && sig == prevSig {
			out[len(out)-1][1] = end
			continue
		}
		out = append(out, [2]netip.Addr{c, end})
		prevSig = sig
	}
	return out
}

func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Addr().As16()
	bitsTotal := 128
	off := 0
	if p.Addr().Is4() {
		bitsTotal, off = 32, 12
	}
	for i := p.Bits(); i < bitsTotal; i++ {
		a[off+i/8] |= 0x80 >> (i % 8)
	}
	if p.Addr().Is4() {
		return netip.AddrFrom4([4]byte(a[12:]))
	}
	return netip.AddrFrom16(a)
}

// blockBits renders which ipBlocks contain a.
func (b *matrixBuilder) blockBits(a netip.Addr) string {
	buf := make([]byte, (len(b.blocks)+7)/8)
	for i, bl := range b.blocks {
		if bl.contains(a) {
			buf[i/8] |= 1 << (i % 8)
		}
	}
	return string(buf)
}

// classify assigns every endpoint to an equivalence class.
func (b *matrixBuilder) classify() error {
	x := b.x
	idx := map[string]int32{}
	x.class = make([]int32, len(x.Endpoints))
	var sb strings.Builder
	for i, e := range x.Endpoints {
		if i%1024 == 0 {
			if err := b.ctx.Err(); err != nil {
				return err
			}
		}
		sb.Reset()
		var ep Endpoint
		if e.Pod == nil {
			ep = IPEndpoint(e.First)
			sb.WriteString("\x01ext\x00")
			sb.WriteString(b.blockBits(e.First))
		} else {
			p := e.Pod
			ep = PodEndpoint(p)
			sb.WriteString(p.Namespace)
			sb.WriteByte(0)
			hn := b.m.effectiveHostNetwork(p)
			if hn {
				sb.WriteByte('h')
			}
			sb.WriteByte(0)
			for _, k := range b.keys {
				if v, ok := p.Labels[k]; ok {
					sb.WriteByte(1)
					sb.WriteString(v)
				}
				sb.WriteByte(0)
			}
			for _, n := range b.names {
				for _, cp := range p.Ports {
					if cp.Name == n {
						sb.WriteString(string(cp.Protocol))
						sb.WriteString(strconv.Itoa(int(cp.Port)))
						sb.WriteByte(',')
					}
				}
				sb.WriteByte(0)
			}
			if hn || !b.m.opts.IPBlockIgnoresPodIPs {
				buf := make([]byte, (len(b.blocks)+7)/8)
				for j, bl := range b.blocks {
					for _, a := range p.IPs {
						if bl.contains(a) {
							buf[j/8] |= 1 << (j % 8)
							break
						}
					}
				}
				sb.Write(buf)
			}
		}
		k := sb.String()
		c, ok := idx[k]
		if !ok {
			c = int32(len(b.reps))
			idx[k] = c
			b.reps = append(b.reps, classRep{ep: ep})
		}
		x.class[i] = c
	}
	x.nclass = len(b.reps)
	b.byNS = map[string][]int{}
	for c, r := range b.reps {
		if p := r.ep.Pod; p != nil {
			if _, ok := b.byNS[p.Namespace]; !ok {
				b.nsOrder = append(b.nsOrder, p.Namespace)
			}
			b.byNS[p.Namespace] = append(b.byNS[p.Namespace], c)
		}
	}
	return nil
}

func (b *matrixBuilder) internSet(c ConnSet) uint32 {
	if c.IsEmpty() {
		return 0
	}
	if c.IsAll() {
		return 1
	}
	h := c.hash()
	for _, id := range b.intern[h] {
		if b.x.sets[id].Equal(c) {
			return id
		}
	}
	id := uint32(len(b.x.sets))
	b.x.sets = append(b.x.sets, c)
	b.intern[h] = append(b.intern[h], id)
	return id
}

// portsFor returns the connections rule r admits towards destination class d.
func (b *matrixBuilder) portsFor(fr *flatRule, d int) ConnSet {
	if !fr.rule.hasNamed {
		return fr.ports
	}
	return rulePorts(fr.rule, b.reps[d].ep.Pod)
}

// rulePorts is the set of connections the ports of r admit towards dst
// (named ports resolve on dst; nil dst resolves none).
func rulePorts(r *crule, dst *Pod) ConnSet {
	if len(r.ports) == 0 {
		return AllConns()
	}
	var c ConnSet
	for _, p := range r.ports {
		pi := protoIndex(p.proto)
		switch {
		case p.all:
			c.r[pi] = fullRange
		case p.name != "":
			if dst == nil {
				continue
			}
			for _, cp := range dst.Ports {
				if cp.Name == p.name && cp.Protocol == p.proto && cp.Port >= minPort && int(cp.Port) <= maxPort {
					c.add(pi, int(cp.Port), int(cp.Port))
				}
			}
		default:
			c.add(pi, p.lo, p.hi)
		}
	}
	return c
}

func (b *matrixBuilder) compute() error {
	x := b.x
	n := x.nclass
	words := (n + 63) / 64
	b.intern = map[uint64][]uint32{}
	b.memo = map[uint64]uint32{}
	x.sets = []ConnSet{{}, AllConns()}

	// Which policies select each class, per direction.
	polIdx := map[*Policy]int{}
	selIn := make([][]int32, n)
	selEg := make([][]int32, n)
	for pi, pol := range b.m.Policies {
		polIdx[pol] = pi
		if err := b.ctx.Err(); err != nil {
			return err
		}
		for _, c := range b.byNS[pol.c.ns] {
			p := b.reps[c].ep.Pod
			if b.m.effectiveHostNetwork(p) || !pol.c.sel.matches(p.Labels) {
				continue
			}
			if pol.c.ingress {
				selIn[c] = append(selIn[c], int32(pi))
			}
			if pol.c.egress {
				selEg[c] = append(selEg[c], int32(pi))
			}
		}
	}
	// Flattened rules with the classes their peers admit.
	ruleStart := make([][2]int, len(b.m.Policies)) // per policy: first index of ingress, egress rules
	for pi, pol := range b.m.Policies {
		if err := b.ctx.Err(); err != nil {
			return err
		}
		ruleStart[pi][0] = len(b.rules)
		for i := range pol.c.in {
			b.rules = append(b.rules, b.flatten(pol, &pol.c.in[i], true, words))
		}
		ruleStart[pi][1] = len(b.rules)
		for i := range pol.c.eg {
			b.rules = append(b.rules, b.flatten(pol, &pol.c.eg[i], false, words))
		}
	}
	rulesOf := func(pi int32, ingress bool) []flatRule {
		pol := b.m.Policies[pi]
		if ingress {
			s := ruleStart[pi][0]
			return b.rules[s : s+len(pol.c.in)]
		}
		s := ruleStart[pi][1]
		return b.rules[s : s+len(pol.c.eg)]
	}

	// Egress rows, shared by classes selected by the same policies.
	egRow := make([][]uint32, n)
	rowCache := map[string][]uint32{}
	acc := make([]ConnSet, n)
	for c := range n {
		if err := b.ctx.Err(); err != nil {
			return err
		}
		if len(selEg[c]) == 0 {
			continue // not isolated: every cell is All
		}
		key := int32Key(selEg[c], -1)
		if row, ok := rowCache[key]; ok {
			egRow[c] = row
			continue
		}
		clear(acc)
		for _, pi := range selEg[c] {
			for k := range rulesOf(pi, false) {
				fr := &rulesOf(pi, false)[k]
				forEachBit(fr.match, func(d int) {
					acc[d] = acc[d].Union(b.portsFor(fr, d))
				})
			}
		}
		row := make([]uint32, n)
		for d := range n {
			row[d] = b.internSet(acc[d])
		}
		rowCache[key] = row
		egRow[c] = row
	}
	// Ingress columns: shared by classes selected by the same policies,
	// unless a rule names a port (which resolves on the class itself).
	inCol := make([][]uint32, n)
	colCache := map[string][]uint32{}
	for d := range n {
		if err := b.ctx.Err(); err != nil {
			return err
		}
		if len(selIn[d]) == 0 {
			continue
		}
		named := false
		for _, pi := range selIn[d] {
			for _, fr := range rulesOf(pi, true) {
				named = named || fr.rule.hasNamed
			}
		}
		self := -1
		if named {
			self = d
		}
		key := int32Key(selIn[d], self)
		if col, ok := colCache[key]; ok {
			inCol[d] = col
			continue
		}
		clear(acc)
		for _, pi := range selIn[d] {
			for k := range rulesOf(pi, true) {
				fr := &rulesOf(pi, true)[k]
				ports := b.portsFor(fr, d)
				forEachBit(fr.match, func(s int) {
					acc[s] = acc[s].Union(ports)
				})
			}
		}
		col := make([]uint32, n)
		for s := range n {
			col[s] = b.internSet(acc[s])
		}
		colCache[key] = col
		inCol[d] = col
	}
	// Cells: egress of the source ∩ ingress of the destination.
	x.cells = make([]uint32, n*n)
	for s := range n {
		if s%64 == 0 {
			if err := b.ctx.Err(); err != nil {
				return err
			}
		}
		row := egRow[s]
		for d := range n {
			e := uint32(1)
			if row != nil {
				e = row[d]
			}
			i := uint32(1)
			if col := inCol[d]; col != nil {
				i = col[s]
			}
			x.cells[s*n+d] = b.intersect(e, i)
		}
	}
	return nil
}

func (b *matrixBuilder) intersect(e, i uint32) uint32 {
	switch {
	case e == 0 || i == 0:
		return 0
	case e == 1 || e == i:
		return i
	case i == 1:
		return e
	}
	k := uint64(e)<<32 | uint64(i)
	if id, ok := b.memo[k]; ok {
		return id
	}
	id := b.internSet(b.x.sets[e].Intersect(b.x.sets[i]))
	b.memo[k] = id
	return id
}

func (b *matrixBuilder) flatten(pol *Policy, r *crule, ingress bool, words int) flatRule {
	fr := flatRule{pol: pol, rule: r, ingress: ingress, match: make([]uint64, words)}
	if !r.hasNamed {
		fr.ports = rulePorts(r, nil)
	}
	set := func(c int) { fr.match[c/64] |= 1 << (c % 64) }
	if len(r.peers) == 0 {
		for c := range b.reps {
			set(c)
		}
		return fr
	}
	for j := range r.peers {
		pr := &r.peers[j]
		switch pr.kind {
		case peerIPBlock:
			bi := b.blockIdx[pr.block.String()]
			bm, ok := b.blockMatch[bi]
			if !ok {
				bm = make([]uint64, words)
				for c := range b.reps {
					if b.m.matchPeer(pr, pol.c.ns, b.reps[c].ep) {
						bm[c/64] |= 1 << (c % 64)
					}
				}
				b.blockMatch[bi] = bm
			}
			for w := range bm {
				fr.match[w] |= bm[w]
			}
		case peerSelectors:
			try := func(cs []int) {
				for _, c := range cs {
					p := b.reps[c].ep.Pod
					if !b.m.effectiveHostNetwork(p) && (pr.pod == nil || pr.pod.matches(p.Labels)) {
						set(c)
					}
				}
			}
			if pr.ns == nil {
				try(b.byNS[pol.c.ns])
				continue
			}
			for _, ns := range b.nsOrder {
				if pr.ns.matches(b.m.nsLabels(ns)) {
					try(b.byNS[ns])
				}
			}
		}
	}
	return fr
}

func forEachBit(set []uint64, f func(int)) {
	for w, v := range set {
		for v != 0 {
			t := bits.TrailingZeros64(v)
			f(w*64 + t)
			v &= v - 1
		}
	}
}

func int32Key(xs []int32, extra int) string {
	var sb strings.Builder
	for _, v := range xs {
		sb.WriteString(strconv.Itoa(int(v)))
		sb.WriteByte(',')
	}
	if extra >= 0 {
		sb.WriteByte('#')
		sb.WriteString(strconv.Itoa(extra))
	}
	return sb.String()
}
