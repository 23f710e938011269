package cluster

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
)

// DefaultAddonConfiguration is the configurationValues every cluster's core add-ons get unless
// AddonConfiguration changes them, keyed as the add-ons' configuration schemas name them
// (`aws eks describe-addon-configuration --addon-name <name> --addon-version <version>`):
//
//   - vpc-cni: env.ENABLE_PREFIX_DELEGATION "true" and env.WARM_PREFIX_TARGET "1": pods take
//     addresses from /28 prefixes on the nodes' network interfaces, which cuts the EC2 calls per
//     pod and the number of interfaces a node needs (Amazon EKS User Guide, "Assign more IP
//     addresses to Amazon EKS nodes with prefixes",
//     https://docs.aws.amazon.com/eks/latest/userguide/cni-increase-ip-addresses.html; the
//     variables are the plugin's, github.com/aws/amazon-vpc-cni-k8s README, ENABLE_PREFIX_DELEGATION
//     and WARM_PREFIX_TARGET; Nitro instances only, which every allowed instance type is);
//   - coredns: replicaCount 2, EKS's own default written down so a change of default never moves
//     it (Amazon EKS User Guide, "Scale CoreDNS Pods for high DNS traffic": two replicas by
//     default, https://docs.aws.amazon.com/eks/latest/userguide/coredns-autoscaling.html).
var DefaultAddonConfiguration = map[string]string{
	"vpc-cni": `{"env":{"ENABLE_PREFIX_DELEGATION":"true","WARM_PREFIX_TARGET":"1"}}`,
	"coredns": `{"replicaCount":2}`,
}

// addonConfiguration is the configurationValues of the add-on name: the user's JSON object (may
// be empty) deep-merged over DefaultAddonConfiguration, rendered with sorted keys so the input
// never churns; "" when neither sets anything (EKS then applies the add-on's own defaults).
func addonConfiguration(name, user string) (string, error) {
	merged, err := jsonObject(DefaultAddonConfiguration[name])
	if err != nil { // the defaults above are JSON objects: unreachable
		return "", err
	}
	if user != "" {
		u, err := jsonObject(user)
		if err != nil {
			return "", err
		}
		merged = mergeObjects(merged, u)
	}
	if len(merged) == 0 {
		return "", nil
	}
	b, err := json.Marshal(merged) // encoding/json sorts map keys
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// jsonObject parses s as one JSON object.
func jsonObject(s string) (map[string]any, error) {
	if s == "" {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%s is not JSON (want an object of the add-on's configuration schema): %w", clip(s), err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s has more than one JSON value (want one object)", clip(s))
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s is not a JSON object (want an object of the add-on's configuration schema, such as {\"replicaCount\":3})", clip(s))
	}
	return m, nil
}

// mergeObjects returns base with over merged in: objects merge key by key, a null removes the key,
// anything else replaces.
func mergeObjects(base, over map[string]any) map[string]any {
	out := maps.Clone(base)
	for k, v := range over {
		switch v := v.(type) {
		case nil:
			delete(out, k)
		case map[string]any:
			if b, ok := out[k].(map[string]any); ok {
				out[k] = mergeObjects(b, v)
			} else {
				out[k] = mergeObjects(map[string]any{}, v)
			}
		default:
			out[k] = v
		}
	}
	return out
}

func clip(s string) string {
	if len(s) > 60 {
		s = s[:60] + "..."
	}
	return fmt.Sprintf("%q", s)
}
