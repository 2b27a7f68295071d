package netpol_test

import (
	"context"
	"fmt"
	"os"

	"github.com/kubeharden/kubeharden/netpol"
)

const exampleCluster = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: shop}
spec:
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: c, ports: [{name: pg, containerPort: 5432}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: pg}]
`

func ExampleEval() {
	m, errs := netpol.Load(context.Background(), netpol.Input{Source: "cluster.yaml", Data: []byte(exampleCluster)})
	if len(errs) > 0 {
		fmt.Println(errs)
		return
	}
	v, err := netpol.Eval(m, "shop/web", "shop/db", "5432/TCP")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(v)
	v, _ = netpol.Eval(m, "203.0.113.7", "shop/web", "8080/TCP")
	fmt.Print(v)
	// Output:
	// shop/web[Deployment] => shop/db[Deployment] 5432/TCP: allowed
	//   egress of shop/web[Deployment]: not isolated (no NetworkPolicy selects it for Egress), allowed
	//   ingress of shop/db[Deployment]: isolated by shop/default-deny, shop/db-from-web; admitted by shop/db-from-web spec.ingress[0].from[0].ports[0]
	// 203.0.113.7 => shop/web[Deployment] 8080/TCP: denied
	//   egress of 203.0.113.7: external IP, no policy applies
	//   ingress of shop/web[Deployment]: isolated by shop/default-deny; no rule admits it, denied
}

func ExampleMatrix() {
	m, _ := netpol.Load(context.Background(), netpol.Input{Source: "cluster.yaml", Data: []byte(exampleCluster)})
	x, err := netpol.Matrix(context.Background(), m, netpol.MatrixOptions{External: []string{"0.0.0.0/0"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = x.WriteText(os.Stdout)
	_ = x.WriteCSV(os.Stdout)
	_ = x.WriteMarkdown(os.Stdout)
	// Output:
	// shop/db[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections
	// shop/web[Deployment] => shop/db[Deployment] : TCP 5432
	// shop/web[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections
	// src,dst,conn
	// shop/db[Deployment],0.0.0.0-255.255.255.255[External],All Connections
	// shop/web[Deployment],shop/db[Deployment],TCP 5432
	// shop/web[Deployment],0.0.0.0-255.255.255.255[External],All Connections
	// | src | dst | conn |
	// |-----|-----|------|
	// | shop/db[Deployment] | 0.0.0.0-255.255.255.255[External] | All Connections |
	// | shop/web[Deployment] | shop/db[Deployment] | TCP 5432 |
	// | shop/web[Deployment] | 0.0.0.0-255.255.255.255[External] | All Connections |
}

func ExampleConnMatrix_WriteDOT() {
	m, _ := netpol.Load(context.Background(), netpol.Input{Source: "cluster.yaml", Data: []byte(exampleCluster)})
	x, _ := netpol.Matrix(context.Background(), m, netpol.MatrixOptions{})
	_ = x.WriteDOT(os.Stdout)
	// Output:
	// digraph {
	// 	label="Connectivity Graph"
	// 	labelloc="t"
	// 	fontsize=30
	// 	fontcolor=maroon
	// 	subgraph "cluster_shop" {
	// 		label="shop"
	// 		"shop/db[Deployment]" [label="db[Deployment]" color="blue" fontcolor="blue"]
	// 		"shop/web[Deployment]" [label="web[Deployment]" color="blue" fontcolor="blue"]
	// 	}
	// 	"shop/web[Deployment]" -> "shop/db[Deployment]" [label="TCP 5432" color="gold2" fontcolor="darkgreen"]
	// }
}

func ExampleConnMatrix_WriteJSON() {
	m, _ := netpol.Load(context.Background(), netpol.Input{Source: "cluster.yaml", Data: []byte(exampleCluster)})
	x, _ := netpol.Matrix(context.Background(), m, netpol.MatrixOptions{})
	_ = x.WriteJSON(os.Stdout)
	// Output:
	// {
	//   "endpoints": [
	//     {
	//       "name": "shop/db[Deployment]",
	//       "namespace": "shop",
	//       "kind": "Deployment",
	//       "labels": {
	//         "app": "db"
	//       }
	//     },
	//     {
	//       "name": "shop/web[Deployment]",
	//       "namespace": "shop",
	//       "kind": "Deployment",
	//       "labels": {
	//         "app": "web"
	//       }
	//     }
	//   ],
	//   "classes": 2,
	//   "connections": [
	//     {
	//       "src": "shop/web[Deployment]",
	//       "dst": "shop/db[Deployment]",
	//       "conn": "TCP 5432"
	//     }
	//   ]
	// }
}

func ExampleModel_Isolation() {
	m, _ := netpol.Load(context.Background(), netpol.Input{Source: "cluster.yaml", Data: []byte(exampleCluster)})
	_ = m.Isolation().WriteText(os.Stdout)
	// Output:
	// Pods:
	//   shop/web[Deployment]: ingress isolated by shop/default-deny, egress open
	//   shop/db[Deployment]: ingress isolated by shop/default-deny, shop/db-from-web, egress open
	// Namespaces:
	//   shop (2 pods): default-deny ingress by shop/default-deny, egress missing
}

func ExampleLint() {
	m, _ := netpol.Load(context.Background(), netpol.Input{Source: "cluster.yaml", Data: []byte(exampleCluster)})
	for _, r := range netpol.Lint(m) {
		for _, f := range r.Failed() {
			fmt.Printf("%s %s:%d %s %s\n", r.Object, f.Position.File, f.Position.Line, f.RuleID, f.Message)
		}
	}
	// Output:
	// Namespace/shop cluster.yaml:1 netpol/DefaultDenyEgress namespace shop has no policy isolating every pod for egress (2 pods)
}
