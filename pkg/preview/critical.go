package preview

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// CriticalPath is the longest chain of waits in a first deploy of the graph: an estimate of the
// wall time of `pulumi up` on a new stack when the engine runs everything else in parallel.
type CriticalPath struct {
	Seconds int      `json:"seconds"`
	Chain   []string `json:"chain"` // URNs, first created first
}

// CreateSeconds is the typical time AWS (or the cluster) takes to create one resource of a type,
// from AWS documentation and observed deploys. Components, providers and the stack weigh nothing;
// any type not listed takes DefaultCreateSeconds.
var CreateSeconds = map[string]int{
	"aws:eks/cluster:Cluster":                             600, // EKS control plane: 8-12 minutes
	"aws:eks/nodeGroup:NodeGroup":                         240, // managed node group: instances launch and join
	"aws:autoscaling/group:Group":                         240, // self-managed nodes: launch and join
	"aws:ec2/natGateway:NatGateway":                       120,
	"aws:ec2/vpcEndpoint:VpcEndpoint":                     90, // interface endpoints; gateway endpoints are DefaultCreateSeconds
	"aws:acm/certificateValidation:CertificateValidation": 120,
	"aws:ec2/instance:Instance":                           90,
	"aws:ssm/association:Association":                     300, // SQL Server host: waits for the CloudWatch agent install on a booting Windows host
	"kubernetes:helm.sh/v3:Release":                       120, // atomic install waits for readiness
	StackReferenceType:                                    0,   // a read of the other layer's state; the wait is for that layer (its dependency)
}

// DefaultCreateSeconds is the weight of a resource type not in CreateSeconds.
const DefaultCreateSeconds = 5

// createSeconds weighs one resource.
func createSeconds(r *Resource) int {
	if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
		return 0
	}
	if r.Type == "aws:ec2/vpcEndpoint:VpcEndpoint" && r.Inputs["vpcEndpointType"] == "Gateway" {
		return DefaultCreateSeconds
	}
	if s, ok := CreateSeconds[r.Type]; ok {
		return s
	}
	return DefaultCreateSeconds
}

// ComputeCriticalPath returns the longest weighted chain of dependencies. A resource waits for
// its dependencies and its provider; waiting on a component means waiting for every resource
// below it. Ties break on registration order, so the result is deterministic.
func (d *Document) ComputeCriticalPath() (*CriticalPath, error) {
	byURN := map[string]*Resource{}
	order := map[string]int{}
	children := map[string][]string{}
	for i, r := range d.Resources {
		byURN[r.URN] = r
		order[r.URN] = i
		if r.Parent != "" {
			children[r.Parent] = append(children[r.Parent], r.URN)
		}
	}
	type result struct {
		finish int
		prev   string // the dependency (a custom resource) this one waited on last, or ""
	}
	done := map[string]result{}
	visiting := map[string]bool{}
	var finish func(urn string) (result, error)
	// ready returns when everything a resource waits on is created, and which resource was last.
	var ready func(urn string) (result, error)
	var waitFor func(dep string) (result, error)

	waitFor = func(dep string) (result, error) {
		r := byURN[dep]
		if r == nil {
			return result{}, nil
		}
		if r.Custom {
			f, err := finish(dep)
			return result{finish: f.finish, prev: dep}, err
		}
		// a component: the latest of its descendants
		best := result{}
		for _, c := range children[dep] {
			f, err := waitFor(c)
			if err != nil {
				return result{}, err
			}
			if f.finish > best.finish {
				best = f
			}
		}
		return best, nil
	}
	ready = func(urn string) (result, error) {
		r := byURN[urn]
		deps := append([]string(nil), r.Dependencies...)
		if p := providerURN(r.Provider); p != "" {
			deps = append(deps, p)
		}
		sort.Slice(deps, func(i, j int) bool { return order[deps[i]] < order[deps[j]] })
		best := result{}
		for _, dep := range deps {
			f, err := waitFor(dep)
			if err != nil {
				return result{}, err
			}
			if f.finish > best.finish {
				best = f
			}
		}
		return best, nil
	}
	finish = func(urn string) (result, error) {
		if r, ok := done[urn]; ok {
			return r, nil
		}
		if visiting[urn] {
			return result{}, fmt.Errorf("dependency cycle through %s", urn)
		}
		visiting[urn] = true
		w, err := ready(urn)
		if err != nil {
			return result{}, err
		}
		visiting[urn] = false
		res := result{finish: w.finish + createSeconds(byURN[urn]), prev: w.prev}
		done[urn] = res
		return res, nil
	}

	var last string
	longest := -1
	for _, r := range d.Resources {
		if !r.Custom {
			continue
		}
		f, err := finish(r.URN)
		if err != nil {
			return nil, err
		}
		if f.finish > longest {
			longest, last = f.finish, r.URN
		}
	}
	cp := &CriticalPath{Chain: []string{}}
	if last == "" {
		return cp, nil
	}
	cp.Seconds = longest
	for u := last; u != ""; u = done[u].prev {
		cp.Chain = append([]string{u}, cp.Chain...)
	}
	return cp, nil
}

// providerURN strips the id from a provider reference ("urn::id").
func providerURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i > 0 {
		return ref[:i]
	}
	return ref
}

// WriteCriticalPath prints the chain with each step's own weight and the running total.
func (d *Document) WriteCriticalPath(w io.Writer, cp *CriticalPath) error {
	var b strings.Builder
	fmt.Fprintf(&b, "\nCritical path of a first deploy: %d s (%.1f min)\n", cp.Seconds, float64(cp.Seconds)/60)
	total := 0
	for _, urn := range cp.Chain {
		r := d.ByURN(urn)
		if r == nil {
			continue
		}
		s := createSeconds(r)
		total += s
		fmt.Fprintf(&b, "  %5d s  +%-4d %s %s\n", total, s, r.Type, r.Name)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
