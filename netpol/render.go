package netpol

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Connection is one non-empty cell of the matrix.
type Connection struct {
	Src  string `json:"src"`
	Dst  string `json:"dst"`
	Conn string `json:"conn"`
}

// Connections lists every pair of distinct endpoints with at least one
// allowed connection, in endpoint order (sources, then destinations).
func (x *ConnMatrix) Connections() []Connection {
	var out []Connection
	x.each(func(i, j int, c ConnSet) {
		out = append(out, Connection{Src: x.Endpoints[i].Name, Dst: x.Endpoints[j].Name, Conn: c.String()})
	})
	return out
}

func (x *ConnMatrix) each(f func(i, j int, c ConnSet)) {
	for i := range x.Endpoints {
		for j := range x.Endpoints {
			if i == j {
				continue
			}
			c := x.Conns(i, j)
			if !c.IsEmpty() {
				f(i, j, c)
			}
		}
	}
}

// WriteText writes one line per allowed pair, "src => dst : conns"
// (netpol-analyzer's connlist text).
func (x *ConnMatrix) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	x.each(func(i, j int, c ConnSet) {
		fmt.Fprintf(bw, "%s => %s : %s\n", x.Endpoints[i].Name, x.Endpoints[j].Name, c)
	})
	return bw.Flush()
}

type jsonEndpoint struct {
	Name      string   `json:"name"`
	Namespace string   `json:"namespace,omitempty"`
	Kind      string   `json:"kind"`
	IPs       []string `json:"ips,omitempty"`
	Labels    any      `json:"labels,omitempty"`
}

// WriteJSON writes {"endpoints": [...], "classes": n, "connections":
// [{"src", "dst", "conn"}]}.
func (x *ConnMatrix) WriteJSON(w io.Writer) error {
	out := struct {
		Endpoints   []jsonEndpoint `json:"endpoints"`
		Classes     int            `json:"classes"`
		Connections []Connection   `json:"connections"`
	}{Classes: x.nclass, Connections: x.Connections()}
	for _, e := range x.Endpoints {
		je := jsonEndpoint{Name: e.Name, Kind: "External"}
		if e.Pod != nil {
			je.Namespace, je.Kind = e.Pod.Namespace, e.Pod.Kind
			if je.Kind == "" {
				je.Kind = "Pod"
			}
			for _, a := range e.Pod.IPs {
				je.IPs = append(je.IPs, a.String())
			}
			if len(e.Pod.Labels) > 0 {
				je.Labels = e.Pod.Labels
			}
		} else {
			je.IPs = []string{e.First.String() + "-" + e.Last.String()}
		}
		out.Endpoints = append(out.Endpoints, je)
	}
	if out.Connections == nil {
		out.Connections = []Connection{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// WriteCSV writes "src,dst,conn" rows with a header.
func (x *ConnMatrix) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"src", "dst", "conn"}); err != nil {
		return err
	}
	x.each(func(i, j int, c ConnSet) {
		_ = cw.Write([]string{x.Endpoints[i].Name, x.Endpoints[j].Name, c.String()})
	})
	cw.Flush()
	return cw.Error()
}

// WriteMarkdown writes a three-column table.
func (x *ConnMatrix) WriteMarkdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("| src | dst | conn |\n|-----|-----|------|\n")
	x.each(func(i, j int, c ConnSet) {
		fmt.Fprintf(bw, "| %s | %s | %s |\n", mdEscape(x.Endpoints[i].Name), mdEscape(x.Endpoints[j].Name), mdEscape(c.String()))
	})
	return bw.Flush()
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// WriteDOT writes a Graphviz digraph: one cluster per namespace, external
// ranges outside clusters, one edge per allowed pair labelled with its
// connections.
func (x *ConnMatrix) WriteDOT(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("digraph {\n\tlabel=\"Connectivity Graph\"\n\tlabelloc=\"t\"\n\tfontsize=30\n\tfontcolor=maroon\n")
	var nsOrder []string
	byNS := map[string][]int{}
	for i, e := range x.Endpoints {
		ns := ""
		if e.Pod != nil {
			ns = e.Pod.Namespace
		}
		if _, ok := byNS[ns]; !ok {
			nsOrder = append(nsOrder, ns)
		}
		byNS[ns] = append(byNS[ns], i)
	}
	for _, ns := range nsOrder {
		if ns != "" {
			fmt.Fprintf(bw, "\tsubgraph %s {\n\t\tlabel=%s\n", dotQuote("cluster_"+ns), dotQuote(ns))
		}
		for _, i := range byNS[ns] {
			e := x.Endpoints[i]
			if e.Pod != nil {
				label := e.Pod.Name
				if e.Pod.Kind != "" && e.Pod.Kind != "Pod" {
					label += "[" + e.Pod.Kind + "]"
				}
				fmt.Fprintf(bw, "\t\t%s [label=%s color=\"blue\" fontcolor=\"blue\"]\n", dotQuote(e.Name), dotQuote(label))
			} else {
				fmt.Fprintf(bw, "\t%s [label=%s color=\"red2\" fontcolor=\"red2\"]\n", dotQuote(e.Name), dotQuote(e.Name))
			}
		}
		if ns != "" {
			bw.WriteString("\t}\n")
		}
	}
	x.each(func(i, j int, c ConnSet) {
		fmt.Fprintf(bw, "\t%s -> %s [label=%s color=\"gold2\" fontcolor=\"darkgreen\"]\n", dotQuote(x.Endpoints[i].Name), dotQuote(x.Endpoints[j].Name), dotQuote(c.String()))
	})
	bw.WriteString("}\n")
	return bw.Flush()
}

func dotQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
