package preview

import (
	"reflect"
	"testing"
)

func node(urn, typ string, custom bool, parent string, deps ...string) *Resource {
	return &Resource{URN: urn, Type: typ, Name: urn, Custom: custom, Parent: parent, Dependencies: deps, Inputs: map[string]any{}}
}

func TestCriticalPath(t *testing.T) {
	d := &Document{Resources: []*Resource{
		node("stack", "pulumi:pulumi:Stack", false, ""),
		node("prov", "pulumi:providers:aws", true, "stack"),
		node("net", "flowmart:network:Network", false, "stack"),
		node("vpc", "aws:ec2/vpc:Vpc", true, "net"),
		node("subnet", "aws:ec2/subnet:Subnet", true, "net", "vpc"),
		node("nat", "aws:ec2/natGateway:NatGateway", true, "net", "subnet"),
		node("cluster", "aws:eks/cluster:Cluster", true, "stack", "subnet"),
		node("nodes", "aws:eks/nodeGroup:NodeGroup", true, "stack", "cluster"),
		node("lbc", "kubernetes:helm.sh/v3:Release", true, "stack", "nodes"),
		node("ingress", "kubernetes:helm.sh/v3:Release", true, "stack", "lbc"),
		// waits on the whole network component, so on its slowest descendant (the NAT)
		node("host", "aws:ec2/instance:Instance", true, "stack", "net"),
	}}
	d.Resources[3].Provider = "prov::id"
	cp, err := d.ComputeCriticalPath()
	if err != nil {
		t.Fatal(err)
	}
	if cp.Seconds != 5+5+600+240+120+120 {
		t.Errorf("seconds = %d", cp.Seconds)
	}
	if want := []string{"vpc", "subnet", "cluster", "nodes", "lbc", "ingress"}; !reflect.DeepEqual(cp.Chain, want) {
		t.Errorf("chain = %v, want %v", cp.Chain, want)
	}

	// a dependency on a component waits for all its descendants
	d.Resources = d.Resources[:6] // stack, provider, network, vpc, subnet, nat
	d.Resources = append(d.Resources, node("host", "aws:ec2/instance:Instance", true, "stack", "net"))
	cp, _ = d.ComputeCriticalPath()
	if want := []string{"vpc", "subnet", "nat", "host"}; cp.Seconds != 5+5+120+90 || !reflect.DeepEqual(cp.Chain, want) {
		t.Errorf("component dependency: %d %v", cp.Seconds, cp.Chain)
	}
}

func TestCriticalPathCycle(t *testing.T) {
	d := &Document{Resources: []*Resource{
		node("a", "aws:ec2/vpc:Vpc", true, "", "b"),
		node("b", "aws:ec2/vpc:Vpc", true, "", "a"),
	}}
	if _, err := d.ComputeCriticalPath(); err == nil {
		t.Fatal("cycle not reported")
	}
}

func TestGatewayEndpointIsCheap(t *testing.T) {
	r := node("e", "aws:ec2/vpcEndpoint:VpcEndpoint", true, "")
	r.Inputs["vpcEndpointType"] = "Gateway"
	if createSeconds(r) != DefaultCreateSeconds {
		t.Errorf("gateway endpoint weight %d", createSeconds(r))
	}
	r.Inputs["vpcEndpointType"] = "Interface"
	if createSeconds(r) != 90 {
		t.Errorf("interface endpoint weight %d", createSeconds(r))
	}
}
