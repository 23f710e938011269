package mocks

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// outputFunc returns the id and the computed outputs a provider would return for a resource.
// h is a deterministic hex string derived from the resource's URN (64 hex digits).
type outputFunc func(m *Mocks, r *target, h string) (id string, out map[string]any)

// prefixed returns an outputFunc for EC2-style ids ("vpc-0a1b...") with an ARN of the given kind.
func prefixed(prefix, arnKind string) outputFunc {
	return func(m *Mocks, r *target, h string) (string, map[string]any) {
		id := prefix + "-" + h[:17]
		out := map[string]any{"ownerId": m.account}
		if arnKind != "" {
			out["arn"] = fmt.Sprintf("arn:aws:ec2:%s:%s:%s/%s", m.region, m.account, arnKind, id)
		}
		return id, out
	}
}

// computedOutputs has one entry per resource type the program creates, merged from one table per
// component (each in its own outputs_<component>.go). A type without an entry gets an id of its
// name and a generic ARN.
var computedOutputs = mergeTables(coreOutputs, networkOutputs, registryOutputs, certificateOutputs, addonsOutputs, clusterOutputs,
	hostOutputs, sqlserverOutputs, vpnOutputs, cicdOutputs, runnerOutputs, databaseOutputs, queueOutputs, elasticacheOutputs)

func mergeTables(tables ...map[string]outputFunc) map[string]outputFunc {
	out := map[string]outputFunc{}
	for _, t := range tables {
		for k, f := range t {
			out[k] = f
		}
	}
	return out
}

// coreOutputs covers providers, IAM and CloudWatch Logs, which every component uses.
var coreOutputs = map[string]outputFunc{
	"pulumi:providers:aws": func(m *Mocks, r *target, h string) (string, map[string]any) {
		return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
	},
	"aws:cloudwatch/logGroup:LogGroup": func(m *Mocks, r *target, h string) (string, map[string]any) {
		name := autoName(r, h)
		return name, map[string]any{"name": name, "arn": fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", m.region, m.account, name)}
	},
	"aws:iam/role:Role": func(m *Mocks, r *target, h string) (string, map[string]any) {
		name := autoName(r, h)
		return name, map[string]any{"name": name, "arn": fmt.Sprintf("arn:aws:iam::%s:role/%s", m.account, name), "uniqueId": "AROA" + strings.ToUpper(h[:17])}
	},
	"aws:iam/rolePolicy:RolePolicy": func(m *Mocks, r *target, h string) (string, map[string]any) {
		name := autoName(r, h)
		role, _ := r.Inputs["role"].(string)
		return role + ":" + name, map[string]any{"name": name}
	},
}

// autoName returns the resource's name input, or the name Pulumi's auto-naming would give it.
func autoName(r *target, h string) string {
	if n, ok := r.Inputs["name"].(string); ok && n != "" && n != Unknown && n != Secret {
		return n
	}
	return r.Name + "-" + h[:7]
}

func testNetIP(net, h string) string {
	b, _ := hex.DecodeString(h[:2])
	return fmt.Sprintf("%s.%d", net, 1+int(b[0])%250)
}

// computed returns the id and the computed outputs of a resource: its type's entry in the
// table, or for a type without one an id of its name and a generic ARN.
func (m *Mocks) computed(r *target) (string, map[string]any) {
	h := urnHash(r.URN)
	if f, ok := computedOutputs[r.Type]; ok {
		return f(m, r, h)
	}
	id := r.Name + "-" + h[:8]
	return id, map[string]any{"arn": genericARN(m, r.Type, id)}
}

// urnHash is the deterministic hex string every computed value of a resource derives from.
func urnHash(urn string) string {
	sum := sha256.Sum256([]byte(urn))
	return hex.EncodeToString(sum[:])
}

// genericARN builds an ARN from a type token such as aws:ecr/repository:Repository.
func genericARN(m *Mocks, typ, id string) string {
	parts := strings.Split(typ, ":")
	if len(parts) != 3 || parts[0] != "aws" || parts[2] == "" {
		return ""
	}
	module := strings.Split(parts[1], "/")[0]
	kind := strings.ToLower(parts[2][:1]) + parts[2][1:]
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s/%s", module, m.region, m.account, kind, id)
}
