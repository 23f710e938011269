package diff

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// condition decides a conditional path of forcenew-evidence.json (or refines a forcenew one) once
// its value has changed.
//
// Each condition cites the evidence line of the path (forcenew-evidence.json) and, where the
// evidence names the rule but not its body, the source the body was read from. A condition that
// needs what the inputs cannot tell (a cloud API, the live object, the deployer's environment)
// treats the change as a replacement and says what would decide it: the guard would rather stop a
// change a person then reviews than let a replacement through.
type condition struct {
	decide func(c change) verdict
	// refines is set on a path the evidence records as forcenew, when the same evidence shows the
	// replacement depends on something the inputs tell (a provider flag).
	refines bool
	// anyChange makes the condition apply to every change of the resource, not only to a change
	// of its own path.
	anyChange bool
}

// conditions, by type and path. parseFacts fails when a conditional path has none here, or a
// condition names a path the facts do not list.
var conditions = map[string]map[string]condition{
	"aws:ec2/instance:Instance": {
		// Evidence: hashicorp/terraform-provider-aws main 5f2286d6d836 (6.47.1)
		// internal/service/ec2/ec2_instance.go:178 (customdiff.ForceNewIf); note "ForceNewIf
		// true->false taken from B (condition at 5.100 not seen)".
		"enablePrimaryIpv6": {decide: func(c change) verdict {
			return certain(truthy(c.old["enablePrimaryIpv6"]) && !truthy(c.new["enablePrimaryIpv6"]))
		}},
		// Evidence: v5.51.1 (8889457f4cb7) ec2_instance.go:904 and main 5f2286d6d836 :182
		// (customdiff.ForceNewIf). The body (terraform-provider-aws ec2_instance.go CustomizeDiff,
		// as held by the code index): no replacement when the new type is unset, otherwise
		// replaced when the old and new types share no CPU architecture, which only
		// DescribeInstanceTypes tells. Not decidable offline: treated as a replacement.
		"instanceType": {decide: func(c change) verdict {
			if c.new["instanceType"] == nil {
				return verdict{}
			}
			return conservative("replaced when the old and new instance types share no CPU architecture (EC2 DescribeInstanceTypes)")
		}},
		// Evidence: v5.51.1 (8889457f4cb7) ec2_instance.go:885 and main 5f2286d6d836 :140
		// (diff.ForceNew() in CustomizeDiff). The body (hashicorp/terraform-provider-aws 0015dfcd06d5
		// internal/service/ec2/ec2_instance.go CustomizeDiff): with a launch template set, the
		// instance is replaced unless it already runs the version now named, which only the EC2
		// API tells. Not decidable offline: treated as a replacement.
		"launchTemplate.version": {decide: func(c change) verdict {
			if c.new["launchTemplate"] == nil {
				return verdict{}
			}
			return conservative("replaced unless the instance already runs that launch template version (EC2 API)")
		}},
		// Evidence: v5.51.1 (8889457f4cb7) ec2_instance.go:898 and main 5f2286d6d836 :172
		// (customdiff.ForceNewIf). The body (hashicorp/terraform-provider-aws 0015dfcd06d5
		// internal/service/ec2/ec2_instance.go CustomizeDiff): replaced when
		// user_data_replace_on_change is true.
		"userData": {decide: func(c change) verdict {
			return certain(truthy(c.new["userDataReplaceOnChange"]))
		}},
		// Evidence: v5.51.1 (8889457f4cb7) ec2_instance.go:901 and main 5f2286d6d836 :175, as
		// userData.
		"userDataBase64": {decide: func(c change) verdict {
			return certain(truthy(c.new["userDataReplaceOnChange"]))
		}},
	},
	"aws:ec2/natGateway:NatGateway": {
		// Evidence: main 5f2286d6d836 internal/service/ec2/vpc_nat_gateway.go:661 (diff.ForceNew()
		// in CustomizeDiff); note "#41403 (5.x) made it a CustomizeDiff ForceNew (private NAT,
		// value set in config)". A public NAT gateway rejects the input instead.
		"secondaryPrivateIpAddressCount": {decide: func(c change) verdict {
			return certain(c.new["connectivityType"] == "private" && c.new["secondaryPrivateIpAddressCount"] != nil)
		}},
	},
	"aws:ec2/vpc:Vpc": {
		// Evidence: v5.51.1 (8889457f4cb7) internal/service/ec2/vpc_.go:517 and main 5f2286d6d836
		// :523 (diff.ForceNew() in CustomizeDiff). The body (hashicorp/terraform-provider-aws
		// 00081ce41cc6 internal/service/ec2/vpc_.go resourceVPCCustomizeDiff): replaced unless the
		// tenancy goes from dedicated to default.
		"instanceTenancy": {decide: func(c change) verdict {
			return certain(c.old["instanceTenancy"] != "dedicated" || c.new["instanceTenancy"] != "default")
		}},
	},
	"aws:eks/cluster:Cluster": {
		// Evidence: main 5f2286d6d836 internal/service/eks/cluster.go:2002 (diff.ForceNew() in
		// CustomizeDiff); note "ForceNew when an already-set node_role_arn changes (#41925, 5.x)".
		"computeConfig.nodeRoleArn": {decide: func(c change) verdict {
			o := valueAt(c.old, "computeConfig.nodeRoleArn")
			return certain(o != nil && o != "" && !reflect.DeepEqual(o, valueAt(c.new, "computeConfig.nodeRoleArn")))
		}},
		// Evidence: v5.51.1 (8889457f4cb7) internal/service/eks/cluster.go:48 and main
		// 5f2286d6d836 :64 (customdiff.ForceNewIfChange). The body (hashicorp/terraform-provider-aws
		// 00555dc5b38f internal/service/eks/cluster.go CustomizeDiff): replaced when the block is
		// removed ("You cannot disable envelope encryption after enabling it"); a new key ARN is
		// an update.
		"encryptionConfig": {decide: func(c change) verdict {
			return certain(count(c.old["encryptionConfig"]) == 1 && count(c.new["encryptionConfig"]) == 0)
		}},
	},
	"aws:ssm/parameter:Parameter": {
		// Evidence: v5.51.1 (8889457f4cb7) internal/service/ssm/parameter.go:127 and main
		// 5f2286d6d836 :161 (customdiff.ForceNewIfChange). The body (hashicorp/terraform-provider-aws
		// 0073593e7d69 internal/service/ssm/parameter.go CustomizeDiff): replaced when the tier goes
		// from Advanced to Standard.
		"tier": {decide: func(c change) verdict {
			return certain(c.old["tier"] == "Advanced" && c.new["tier"] == "Standard")
		}},
	},
	"aws:elasticache/replicationGroup:ReplicationGroup": {
		// Evidence: main 5f2286d6d836 internal/service/elasticache/engine_version.go:114
		// (customdiff.ForceNewIf); note: "replace on any engine change except redis -> valkey",
		// engine defaulting to "redis" at 5.100.
		"engine": {decide: func(c change) verdict {
			engine := func(v any) any {
				if v == nil {
					return "redis"
				}
				return v
			}
			return certain(engine(c.old["engine"]) != "redis" || engine(c.new["engine"]) != "valkey")
		}},
		// Evidence: v5.51.1 (8889457f4cb7) engine_version.go:148 and main 5f2286d6d836 :192
		// (diff.ForceNew() in CustomizeDiff). The body (hashicorp/terraform-provider-aws
		// 01606926a0c0 internal/service/elasticache/engine_version.go
		// engineVersionForceNewOnDowngrade, engineVersionIsDowngrade): replaced only when the
		// new version is lower than the old; an old "6.x"/"7.x" is compared with the live
		// engine_version_actual, which the inputs do not tell.
		"engineVersion": {decide: elasticacheEngineVersion},
		// Evidence: v5.51.1 (8889457f4cb7) replication_group.go:389 and main 5f2286d6d836 :507
		// (customdiff.ForceNewIf). The body (terraform-provider-aws replication_group.go, as held
		// by the code index, snapshot without a commit): replaced when the live
		// engine_version_actual is below 7.0.5, which the inputs do not tell.
		"transitEncryptionEnabled": {decide: func(change) verdict {
			return conservative("replaced when the running engine version (engine_version_actual) is below 7.0.5")
		}},
	},
	"aws:rds/cluster:Cluster": {
		// Evidence: v5.51.1 (8889457f4cb7) internal/service/rds/cluster.go:551 and main
		// 5f2286d6d836 :698 (customdiff.ForceNewIf); the evidence does not give the condition.
		"storageType": {decide: func(change) verdict {
			return conservative("the condition of cluster.go's ForceNewIf is not in the facts")
		}},
	},
	"random:index/randomPassword:RandomPassword": {
		// Evidence: hashicorp/terraform-provider-random f6ac5f9adf99 (v3.7.1)
		// resource_password.go:577 RequiresReplaceIfValuesNotNull. The body (same tree,
		// internal/planmodifiers/map/mapplanmodifiers.go:18-99): no replacement for keys added with
		// a null value, nor from no keepers to keepers whose values are all null.
		"keepers": {decide: func(c change) verdict {
			return certain(keepersReplace(c.old["keepers"], c.new["keepers"]))
		}},
		// Evidence: f6ac5f9adf99 (v3.7.1) resource_password.go:714 RequiresReplaceIf(unless "" ->
		// null); the body: internal/planmodifiers/string/stringplanmodifier.go:21-44.
		"overrideSpecial": {decide: func(c change) verdict {
			o, n := c.old["overrideSpecial"], c.new["overrideSpecial"]
			return certain(n != nil || o == nil || o != "")
		}},
	},
	"pulumi:providers:kubernetes": {
		// Evidence: pulumi/pulumi-kubernetes v4.32.0 provider/pkg/provider/provider.go:505-509,
		// 548-556 DiffConfig: replaced when the active cluster of the kubeconfig changes.
		"kubeconfig": {decide: activeClusterChanged},
		"context":    {decide: activeClusterChanged},
		"cluster":    {decide: activeClusterChanged},
		// Evidence: v4.32.0 provider.go:490-492 "replace when clusterIdentifier is updated": only
		// when set before and after (adding or removing it replaces nothing, provider.go:486-489).
		"clusterIdentifier": {refines: true, decide: func(c change) verdict {
			return certain(c.old["clusterIdentifier"] != nil && c.new["clusterIdentifier"] != nil)
		}},
	},
	"kubernetes:core/v1:Secret": {
		// Evidence: pulumi/pulumi-kubernetes v4.32.0 diff.go:28-29 (Secret, enableSecretMutable
		// unset): `.type`, `.stringData`, `.data` replace when the provider does not set
		// enableSecretMutable or the Secret is immutable; otherwise only `.type` does (diff.go:155-156).
		"data":       {refines: true, decide: mutableUnless("enableSecretMutable")},
		"stringData": {refines: true, decide: mutableUnless("enableSecretMutable")},
	},
	"kubernetes:core/v1:ConfigMap": {
		// Evidence: v4.32.0 diff.go:32-33: `.binaryData`, `.data` replace when the provider does not
		// set enableConfigMapMutable or the ConfigMap is immutable.
		"data":       {refines: true, decide: mutableUnless("enableConfigMapMutable")},
		"binaryData": {refines: true, decide: mutableUnless("enableConfigMapMutable")},
	},
	"kubernetes:batch/v1:Job": {
		// Evidence: v4.32.0 provider.go:1622-1639: with the annotation "true", a Job whose live
		// object is not Ready is replaced on the next update. Not decidable offline: any change of
		// an annotated Job is treated as a replacement.
		"metadata.annotations.pulumi.com/replaceUnready": {anyChange: true, decide: func(c change) verdict {
			if !truthy(valueAt(c.new, "metadata.annotations.pulumi.com/replaceUnready")) {
				return verdict{}
			}
			return conservative("replaced when the live Job is not Ready (pulumi.com/replaceUnready)")
		}},
	},
}

// elasticacheEngineVersion is engineVersionIsDowngrade on the inputs: versions of numbers
// separated by dots compare number by number (a missing one counts as 0), and a lower new version
// replaces the replication group. A version that is not numbers ("6.x", an unknown) cannot be
// decided from the inputs.
func elasticacheEngineVersion(c change) verdict {
	parse := func(v any) ([]int, bool) {
		s, ok := v.(string)
		if !ok || s == "" {
			return nil, false
		}
		var out []int
		for _, p := range strings.Split(s, ".") {
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 {
				return nil, false
			}
			out = append(out, n)
		}
		return out, true
	}
	if c.new["engineVersion"] == nil {
		return verdict{} // unset: the provider keeps the running version
	}
	o, okO := parse(c.old["engineVersion"])
	n, okN := parse(c.new["engineVersion"])
	if !okO || !okN {
		return conservative("replaced on a downgrade; the old or new engine version is not a number (\"6.x\" compares with the live engine_version_actual)")
	}
	for i := range max(len(o), len(n)) {
		a, b := at(o, i), at(n, i)
		if a != b {
			return certain(b < a)
		}
	}
	return certain(false)
}

func at(v []int, i int) int {
	if i < len(v) {
		return v[i]
	}
	return 0
}

// vetoes cancel every replacement of a type.
var vetoes = map[string]func(change) bool{
	// pulumi/pulumi-kubernetes v4.32.0 provider/pkg/provider/provider.go:493-502: an unchanged
	// clusterIdentifier cancels the provider's replacements ("we ignore replacements when the
	// identifier is unchanged from what it was previously set to").
	"pulumi:providers:kubernetes": func(c change) bool {
		n := c.new["clusterIdentifier"]
		return n != nil && reflect.DeepEqual(c.old["clusterIdentifier"], n)
	},
}

func certain(forces bool) verdict { return verdict{forces: forces} }

// conservative is the verdict of a condition the inputs cannot decide.
func conservative(decidedBy string) verdict {
	return verdict{forces: true, note: "not decidable offline: " + decidedBy}
}

// truthy reads a flag as providers do: a bool, or the string "true" (provider configuration).
func truthy(v any) bool { return v == true || v == "true" }

// mutableUnless is the Secret and ConfigMap rule: data replaces unless the resource's provider
// sets flag and the object is not immutable. The provider also honors an environment variable
// (PULUMI_K8S_ENABLE_SECRET_MUTABLE, provider.go:712-726) on the deploying machine, which the guard
// cannot see: without the flag in the provider's inputs, the change is a replacement.
func mutableUnless(flag string) func(change) verdict {
	return func(c change) verdict {
		// The object checked is the new one (provider.go:1565 forceNewProperties(newInputs)).
		return certain(!truthy(c.provider[flag]) || truthy(c.new["immutable"]))
	}
}

// keepersReplace is RequiresReplaceIfValuesNotNull (terraform-provider-random v3.7.1
// internal/planmodifiers/map/mapplanmodifiers.go:18-99) on a changed keepers map.
func keepersReplace(old, next any) bool {
	om, _ := old.(map[string]any)
	nm, _ := next.(map[string]any)
	if old == nil {
		for _, v := range nm {
			if v != nil {
				return true
			}
		}
		return false
	}
	for k, v := range nm {
		if sv, ok := om[k]; (!ok && v == nil) || (ok && reflect.DeepEqual(v, sv)) {
			continue
		}
		return true
	}
	for k := range om {
		if _, ok := nm[k]; !ok {
			return true
		}
	}
	return false
}

// kubeconfig is what the provider reads of a kubeconfig to find its active cluster.
type kubeconfig struct {
	CurrentContext string `yaml:"current-context"`
	Contexts       []struct {
		Name    string `yaml:"name"`
		Context struct {
			Cluster string `yaml:"cluster"`
		} `yaml:"context"`
	} `yaml:"contexts"`
	Clusters []struct {
		Name    string         `yaml:"name"`
		Cluster map[string]any `yaml:"cluster"`
	} `yaml:"clusters"`
}

// activeClusterChanged is the kubernetes provider's DiffConfig rule (pulumi-kubernetes v4.32.0
// provider.go:518-560, util.go:201-226 getActiveClusterFromConfig): replaced when the active
// cluster of the old and new kubeconfig, with the context and cluster overrides, differs; not when
// either has no active cluster. A kubeconfig the guard cannot read (a secret shown as a
// placeholder, a file path) is treated as pointing at another cluster.
func activeClusterChanged(c change) verdict {
	oc, err1 := parseKubeconfig(c.old["kubeconfig"])
	nc, err2 := parseKubeconfig(c.new["kubeconfig"])
	if err1 != nil || err2 != nil {
		return conservative("kubeconfig not readable offline; replaced when its active cluster changes")
	}
	o, oFound := activeCluster(oc, c.old)
	n, nFound := activeCluster(nc, c.new)
	return certain(oFound && nFound && !reflect.DeepEqual(o, n))
}

func parseKubeconfig(v any) (*kubeconfig, error) {
	var text []byte
	switch t := v.(type) {
	case nil:
		return &kubeconfig{}, nil
	case string:
		text = []byte(t)
	case map[string]any:
		b, err := json.Marshal(t)
		if err != nil {
			return nil, err
		}
		text = b
	default:
		return nil, fmt.Errorf("kubeconfig of type %T", v)
	}
	var k kubeconfig
	if err := yaml.Unmarshal(text, &k); err != nil {
		return nil, err
	}
	return &k, nil
}

func activeCluster(k *kubeconfig, overrides map[string]any) (map[string]any, bool) {
	if len(k.Clusters) == 0 {
		return nil, false
	}
	current := k.CurrentContext
	if s, ok := overrides["context"].(string); ok {
		current = s
	}
	name, found := "", false
	for _, c := range k.Contexts {
		if c.Name == current {
			name, found = c.Context.Cluster, true
		}
	}
	if !found {
		return nil, false
	}
	if s, ok := overrides["cluster"].(string); ok {
		name = s
	}
	for _, c := range k.Clusters {
		if c.Name == name {
			return c.Cluster, true
		}
	}
	return nil, false
}
