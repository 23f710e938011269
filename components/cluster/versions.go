package cluster

// CoreAddons are the EKS add-ons every cluster runs. vpc-cni, kube-proxy and
// eks-pod-identity-agent are installed before any node joins; coredns and aws-ebs-csi-driver need
// nodes to schedule on and follow them.
var CoreAddons = []string{"vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns", "aws-ebs-csi-driver"}

// addonVersions pins every core add-on per Kubernetes version: the one table to bump on an
// upgrade (`aws eks describe-addon-versions --kubernetes-version <v> --addon-name <name>`).
var addonVersions = map[string]map[string]string{
	"1.32": {
		"vpc-cni":                "v1.20.4-eksbuild.1",
		"kube-proxy":             "v1.32.9-eksbuild.2",
		"eks-pod-identity-agent": "v1.3.9-eksbuild.3",
		"coredns":                "v1.11.4-eksbuild.24",
		"aws-ebs-csi-driver":     "v1.50.1-eksbuild.1",
	},
	"1.33": {
		"vpc-cni":                "v1.20.4-eksbuild.1",
		"kube-proxy":             "v1.33.5-eksbuild.2",
		"eks-pod-identity-agent": "v1.3.9-eksbuild.3",
		"coredns":                "v1.12.4-eksbuild.1",
		"aws-ebs-csi-driver":     "v1.50.1-eksbuild.1",
	},
	"1.34": {
		"vpc-cni":                "v1.20.4-eksbuild.1",
		"kube-proxy":             "v1.34.1-eksbuild.2",
		"eks-pod-identity-agent": "v1.3.9-eksbuild.3",
		"coredns":                "v1.12.4-eksbuild.1",
		"aws-ebs-csi-driver":     "v1.50.1-eksbuild.1",
	},
}

// oidcThumbprint is the root CA thumbprint of the EKS OIDC issuers (pinned; IAM no longer checks
// it for EKS issuers but the API requires one).
const oidcThumbprint = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
