// Package infra is Acme's environment built from the platform components: a Network, an EKS
// Cluster in it, a Registry its nodes pull from, and a Certificate for the domain. Program is the
// Pulumi program; main.go runs it with values from the stack configuration, the tests run it under
// mocks.
package infra

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// Environment is everything that differs between Acme environments. The components never read
// stack configuration themselves: the program passes these values through their Args.
type Environment struct {
	// Name prefixes every logical and physical name (the components derive their children's names
	// from it): acme-prod-vpc, the EKS cluster acme-prod, ...
	Name string
	// Region and AccountID pin the AWS provider: it refuses credentials of another account.
	Region    string
	AccountID string
	// DeployRoleARN is assumed by the AWS provider and by the kubeconfig, and is the cluster's admin.
	DeployRoleARN string
	// VPCCIDR and AvailabilityZones shape the network.
	VPCCIDR           string
	AvailabilityZones []string
	// KubernetesVersion and NodeReleaseVersion pin the cluster and its nodes' AMI release (nothing
	// floats: a new AMI never rolls the nodes on its own).
	KubernetesVersion  string
	NodeReleaseVersion string
	// Repositories are the ECR repositories, one per service image.
	Repositories []string
	// Domain gets an ACM certificate (and its wildcard), validated in the Cloudflare zone.
	Domain             string
	CloudflareZoneID   string
	CloudflareAPIToken pulumi.StringInput
	// Protect protects the cluster, the repositories, the keys and the certificate from deletion.
	Protect bool
	// Tags go on every AWS resource, as the provider's default tags.
	Tags map[string]string
}

// Production is Acme's production environment in us-east-1, over three zones. The account, the
// deploy role and the Cloudflare zone and token come from the stack configuration (main.go).
func Production() Environment {
	return Environment{
		Name:               "acme-prod",
		Region:             "us-east-1",
		VPCCIDR:            "10.60.0.0/16",
		AvailabilityZones:  []string{"us-east-1a", "us-east-1b", "us-east-1c"},
		KubernetesVersion:  "1.33",
		NodeReleaseVersion: "1.33.5-20261015",
		Repositories:       []string{"web", "api", "worker"},
		Domain:             "acme.example.com",
		Protect:            true,
		Tags: map[string]string{
			"company":     "acme",
			"environment": "prod",
			"cost-center": "cc-4711",
			"managed-by":  "pulumi",
		},
	}
}
