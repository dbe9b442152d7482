package funcsynth

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// node is one function of a synthetic call tree.
type node struct {
	name, file string
	line       int64
	parent     int // -1 for the root
	endpoint   int // 0 or 1: which endpoint's subtree (root: -1)
	weight     float64
}

// tree builds a call tree of n functions (n ≥ 4): a root, two endpoint
// handlers and the rest hung below them, each with a self cost weight
// drawn from a heavy-tailed law; the weights sum to one.
func tree(rng *rand.Rand, n int) []node {
	n = max(n, 4)
	nodes := []node{
		{name: "main.serve", file: "cmd/svc/main.go", line: 20, parent: -1, endpoint: -1},
		{name: "svc/api.handleCheckout", file: "api/checkout.go", line: 15, parent: 0, endpoint: 0},
		{name: "svc/api.handleSearch", file: "api/search.go", line: 15, parent: 0, endpoint: 1},
	}
	pkgs := []string{"pricing", "store", "codec", "auth", "cache", "render"}
	for i := 3; i < n; i++ {
		ep := i % 2
		// parent: an earlier function of the same endpoint's subtree
		var cands []int
		for j, nd := range nodes {
			if nd.endpoint == ep {
				cands = append(cands, j)
			}
		}
		p := cands[rng.IntN(len(cands))]
		pkg := pkgs[rng.IntN(len(pkgs))]
		nodes = append(nodes, node{name: fmt.Sprintf("svc/%s.fn%03d", pkg, i),
			file: fmt.Sprintf("%s/file%d.go", pkg, i%7), line: int64(10 + 20*i), parent: p, endpoint: ep})
	}
	sum := 0.0
	for i := range nodes {
		// log-normal weights: a few hot functions and a long tail
		nodes[i].weight = math.Exp(1.2 * rng.NormFloat64())
		if i == 0 {
			nodes[i].weight *= 0.2
		}
		sum += nodes[i].weight
	}
	for i := range nodes {
		nodes[i].weight /= sum
	}
	return nodes
}

// stack is the path from function i up to the root, leaf first.
func stack(nodes []node, i int) []int {
	var s []int
	for ; i >= 0; i = nodes[i].parent {
		s = append(s, i)
	}
	return s
}

// poisson draws a Poisson count with mean lambda (normal approximation
// above 60, exact below).
func poisson(rng *rand.Rand, lambda float64) int64 {
	if lambda <= 0 {
		return 0
	}
	if lambda > 60 {
		return max(0, int64(math.Round(lambda+math.Sqrt(lambda)*rng.NormFloat64())))
	}
	l, k, p := math.Exp(-lambda), int64(0), 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
