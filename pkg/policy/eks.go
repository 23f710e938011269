package policy

import (
	"fmt"
	"strings"
)

// SupportedEKSVersions are the Kubernetes versions Amazon EKS supports (standard or extended
// support) that the platform accepts. Update when EKS releases or retires a version.
var SupportedEKSVersions = []string{"1.30", "1.31", "1.32", "1.33", "1.34"}

// RequiredClusterLogTypes are the control plane logs every cluster sends to CloudWatch Logs: all
// five that EKS offers (Amazon EKS User Guide, "Send control plane logs to CloudWatch Logs",
// https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html: api, audit,
// authenticator, controllerManager, scheduler), as KICS "Missing Cluster Log Types"
// (assets/queries/terraform/aws/missing_cluster_log_types, v2.2.0) requires.
var RequiredClusterLogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

var eksRules = []Rule{
	{
		ID:          "FM-EKS-001",
		Description: "EKS clusters have the private API endpoint enabled",
		Enforcement: Mandatory,
		Mirrors:     []string{"CKV_AWS_39", "AVD-AWS-0040", "FSBP EKS.1"},
		Types:       []string{TypeEKSCluster},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			v := get(r.Inputs, "vpcConfig", "endpointPrivateAccess")
			if unknown(v) || isTrue(v) {
				return none
			}
			return []string{"vpcConfig.endpointPrivateAccess is not true: nodes reach the API server over the internet"}
		},
	},
	{
		ID:          "FM-EKS-002",
		Description: "in production the EKS public endpoint is off or limited to named CIDRs",
		Enforcement: Mandatory,
		Mirrors:     []string{"CKV_AWS_38", "AVD-AWS-0041", "FSBP EKS.1"},
		Types:       []string{TypeEKSCluster},
		Check: func(ctx Context, r Resource, _ []Resource) []string {
			if !ctx.Production() {
				return none
			}
			public := get(r.Inputs, "vpcConfig", "endpointPublicAccess")
			if unknown(public) {
				return none
			}
			if on, set := boolean(public); set && !on {
				return none
			}
			cidrs := get(r.Inputs, "vpcConfig", "publicAccessCidrs")
			if anyUnknown(cidrs) {
				return none
			}
			list := strs(cidrs)
			if len(list) == 0 {
				return []string{"public endpoint is open to 0.0.0.0/0" + hint(r, map[string]string{
					clusterType: "set ClusterArgs.EndpointPublicAccess false or ClusterArgs.PublicAccessCIDRs; stack keys cluster.endpointPublicAccess, cluster.publicAccessCidrs",
				}, "set vpcConfig.endpointPublicAccess false or vpcConfig.publicAccessCidrs")}
			}
			for _, c := range list {
				if c == "0.0.0.0/0" || c == "::/0" {
					return []string{fmt.Sprintf("vpcConfig.publicAccessCidrs includes %s", c) + hint(r, map[string]string{
						clusterType: "remove it from ClusterArgs.PublicAccessCIDRs; stack key cluster.publicAccessCidrs",
					}, "remove it from vpcConfig.publicAccessCidrs")}
				}
			}
			return none
		},
	},
	{
		ID:          "FM-EKS-003",
		Description: "EKS clusters encrypt Kubernetes secrets with a KMS key",
		Enforcement: Mandatory,
		Mirrors:     []string{"CKV_AWS_58", "AVD-AWS-0039", "FSBP EKS.3"},
		Types:       []string{TypeEKSCluster},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			enc := r.Inputs["encryptionConfig"]
			if unknown(enc) {
				return none
			}
			for _, e := range list(enc) {
				m := object(e)
				key := get(m, "provider", "keyArn")
				res := m["resources"]
				if (unknown(key) || str(key) != "") && (anyUnknown(res) || contains(strs(res), "secrets")) {
					return none
				}
			}
			return []string{"no encryptionConfig with a KMS key for resources [secrets]"}
		},
	},
	{
		ID:          "FM-EKS-004",
		Description: "EKS clusters send all five control-plane log types to CloudWatch",
		Enforcement: Mandatory,
		Mirrors:     []string{"CKV_AWS_37", "AVD-AWS-0038", "FSBP EKS.8", "KICS 66f130d9-b81d-4e8e-9b08-da74b9c891df", "KICS 37304d3f-f852-40b8-ae3f-725e87a7cedf"},
		Types:       []string{TypeEKSCluster},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			v := r.Inputs["enabledClusterLogTypes"]
			if anyUnknown(v) {
				return none
			}
			have := strs(v)
			var missing []string
			for _, t := range RequiredClusterLogTypes {
				if !contains(have, t) {
					missing = append(missing, t)
				}
			}
			if len(missing) > 0 {
				return []string{"enabledClusterLogTypes lacks " + strings.Join(missing, ", ") + hint(r, map[string]string{
					clusterType: "add them to ClusterArgs.LogTypes, or leave it unset: it defaults to all five",
				}, "add them to enabledClusterLogTypes")}
			}
			return none
		},
	},
	{
		ID:          "FM-EKS-005",
		Description: "EKS clusters pin a supported Kubernetes version",
		Enforcement: Mandatory,
		Mirrors:     []string{"FSBP EKS.2"},
		Types:       []string{TypeEKSCluster},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			v := r.Inputs["version"]
			if unknown(v) {
				return none
			}
			s := str(v)
			if s == "" {
				return []string{"version is not set: the cluster would float to the newest version (allowed: " + strings.Join(SupportedEKSVersions, ", ") + ")"}
			}
			if !contains(SupportedEKSVersions, s) {
				return []string{fmt.Sprintf("version %q is not supported (allowed: %s)", s, strings.Join(SupportedEKSVersions, ", ")) + hint(r, map[string]string{
					clusterType: "set ClusterArgs.Version; stack key cluster.version",
				}, "set version")}
			}
			return none
		},
	},
}
