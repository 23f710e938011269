package config

import (
	"strings"
	"testing"

	"github.com/flowmart/platform/components/network"
)

// The rule both ways: a NAT-less network passes once it has every endpoint the cluster needs.
func TestValidateNATPath(t *testing.T) {
	all := []string{"ec2", "eks-auth", "elasticloadbalancing", "logs"}
	self := []NodeGroupConfig{{Name: "system", Kind: "SelfManaged"}}
	cases := []struct {
		name      string
		nat       network.NATStrategy
		endpoints []string
		groups    []NodeGroupConfig
		irsa      bool
		want      string
	}{
		{"single NAT", network.NATSingle, nil, self, true, ""},
		{"one per AZ", network.NATOnePerAZ, nil, nil, false, ""},
		{"none without endpoints", network.NATNone, nil, nil, false, "lacks ec2, eks-auth, elasticloadbalancing, logs ("},
		{"none without eks-auth", network.NATNone, []string{"ec2", "elasticloadbalancing", "logs"}, nil, false, "lacks eks-auth ("},
		{"none with every endpoint", network.NATNone, all, nil, false, ""},
		{"none, IRSA, no sts", network.NATNone, all, nil, true, "lacks sts ("},
		{"none, IRSA, every endpoint", network.NATNone, append(all, "sts"), nil, true, ""},
		{"none, self-managed, no sqs", network.NATNone, append(all, "autoscaling"), self, false, "lacks sqs ("},
		{"none, self-managed, every endpoint", network.NATNone, append(all, "autoscaling", "sqs"), self, false, ""},
	}
	for _, c := range cases {
		cfg := &Config{Network: NetworkConfig{NATStrategy: c.nat, InterfaceEndpoints: c.endpoints}, Cluster: ClusterConfig{NodeGroups: c.groups, EnableIRSA: c.irsa}}
		err := cfg.validateNATPath()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.HasPrefix(err.Error(), "natStrategy: None leaves the EKS cluster") || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: err %v, want %q", c.name, err, c.want)
		}
	}
}
