package config

import (
	"strings"
	"testing"

	"github.com/flowmart/platform/components/network"
)

// The rule both ways: a NAT-less network passes once it has every endpoint the cluster needs.
func TestValidateNATPath(t *testing.T) {
	all := []string{"ec2", "sts", "eks-auth", "elasticloadbalancing", "logs"}
	self := []NodeGroupConfig{{Name: "system", Kind: "SelfManaged"}}
	cases := []struct {
		name      string
		nat       network.NATStrategy
		endpoints []string
		groups    []NodeGroupConfig
		want      string
	}{
		{"single NAT", network.NATSingle, nil, self, ""},
		{"one per AZ", network.NATOnePerAZ, nil, nil, ""},
		{"none without endpoints", network.NATNone, nil, nil, "lacks ec2, sts, eks-auth, elasticloadbalancing, logs"},
		{"none without eks-auth", network.NATNone, []string{"ec2", "sts", "elasticloadbalancing", "logs"}, nil, "lacks eks-auth ("},
		{"none with every endpoint", network.NATNone, all, nil, ""},
		{"none, self-managed, no sqs", network.NATNone, append(all, "autoscaling"), self, "lacks sqs ("},
		{"none, self-managed, every endpoint", network.NATNone, append(all, "autoscaling", "sqs"), self, ""},
	}
	for _, c := range cases {
		cfg := &Config{Network: NetworkConfig{NATStrategy: c.nat, InterfaceEndpoints: c.endpoints}, Cluster: ClusterConfig{NodeGroups: c.groups}}
		err := cfg.validateNATPath()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.HasPrefix(err.Error(), "natStrategy: None leaves the EKS cluster") || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: err %v, want %q", c.name, err, c.want)
		}
	}
}
