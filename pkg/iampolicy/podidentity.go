package iampolicy

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/arn"
)

// PodIdentityService is the service principal of EKS Pod Identity.
const PodIdentityService = "pods.eks.amazonaws.com"

// PodIdentityTrust is the trust policy of an EKS Pod Identity role that only the EKS cluster
// clusterARN (arn:<partition>:eks:<region>:<account>:cluster/<name>) may use: the statement of
// the Amazon EKS User Guide, "Create IAM role with trust policy required by EKS Pod Identity"
// (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html: pods.eks.amazonaws.com,
// sts:AssumeRole and sts:TagSession), conditioned against the confused deputy as "Cross-service
// confused deputy prevention in Amazon EKS" recommends
// (https://docs.aws.amazon.com/eks/latest/userguide/cross-service-confused-deputy-prevention.html):
// aws:SourceAccount is the cluster's account and aws:SourceArn the cluster's ARN. aws:SourceArn
// is matched with ArnLike against the cluster's ARN and against the cluster's Pod Identity
// associations (podidentityassociation/<name>/*), the two ARNs EKS names as the source of the
// request; both are this cluster's only, so no other cluster of the account can use the role.
func PodIdentityTrust(clusterARN string) (Document, error) {
	a, err := arn.Parse(clusterARN)
	name, ok := strings.CutPrefix(a.Resource, "cluster/")
	if err != nil || a.Service != "eks" || a.Region == "" || len(a.AccountID) != 12 || !ok || name == "" || strings.Contains(name, "/") {
		return Document{}, fmt.Errorf("%q is not an EKS cluster ARN (want arn:aws:eks:<region>:<account>:cluster/<name>)", clusterARN)
	}
	associations := arn.ARN{Partition: a.Partition, Service: "eks", Region: a.Region, AccountID: a.AccountID, Resource: "podidentityassociation/" + name + "/*"}
	return New(Statement{
		Sid:       "EKSPodIdentityOfOneCluster",
		Effect:    "Allow",
		Principal: map[string]any{"Service": PodIdentityService},
		Action:    []string{"sts:AssumeRole", "sts:TagSession"},
		Condition: map[string]any{
			"StringEquals": map[string]any{"aws:SourceAccount": a.AccountID},
			"ArnLike":      map[string]any{"aws:SourceArn": []string{clusterARN, associations.String()}},
		},
	}), nil
}

// PodIdentityTrustOf is PodIdentityTrust once the cluster's ARN (an Output) is known; an ARN that
// is not an EKS cluster's fails the deployment with PodIdentityTrust's error. Every Pod Identity
// role of the platform (the cluster's and the add-ons') takes its trust policy from here.
func PodIdentityTrustOf(clusterARN pulumi.StringInput) pulumi.StringOutput {
	return clusterARN.ToStringOutput().ApplyT(func(s string) (string, error) {
		d, err := PodIdentityTrust(s)
		if err != nil {
			return "", err
		}
		return d.String(), nil
	}).(pulumi.StringOutput)
}
