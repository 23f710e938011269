package addons

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
)

// podIdentityTrust lets EKS Pod Identity of the cluster ClusterARN, and of no other cluster,
// assume a role for a service account (iampolicy.PodIdentityTrustOf: aws:SourceAccount and
// aws:SourceArn).
func podIdentityTrust(clusterARN pulumi.StringInput) pulumi.StringOutput {
	return iampolicy.PodIdentityTrustOf(clusterARN)
}

// podIdentity creates a role with an inline policy and binds it to a service account through an
// EKS Pod Identity association. Children: name+"-<key>-role", "-policy", "-pod-identity".
func (c *PlatformAddons) podIdentity(ctx *pulumi.Context, key, namespace, serviceAccount string, policy pulumi.StringInput) (*eks.PodIdentityAssociation, error) {
	roleName := c.name + "-" + key + "-role"
	role, err := iam.NewRole(ctx, roleName, &iam.RoleArgs{
		Description:      pulumi.Sprintf("EKS Pod Identity role of %s/%s", namespace, serviceAccount),
		AssumeRolePolicy: podIdentityTrust(c.args.ClusterARN),
		Tags:             c.tags(roleName),
	}, c.awsOpts...)
	if err != nil {
		return nil, err
	}
	if _, err := iam.NewRolePolicy(ctx, c.name+"-"+key+"-policy", &iam.RolePolicyArgs{
		Role:   role.Name,
		Policy: policy,
	}, c.awsOpts...); err != nil {
		return nil, err
	}
	assocName := c.name + "-" + key + "-pod-identity"
	return eks.NewPodIdentityAssociation(ctx, assocName, &eks.PodIdentityAssociationArgs{
		ClusterName:    c.args.ClusterName,
		Namespace:      pulumi.String(namespace),
		ServiceAccount: pulumi.String(serviceAccount),
		RoleArn:        role.Arn,
		Tags:           c.tags(assocName),
	}, c.awsOpts...)
}

// clusterTag is the tag the AWS Load Balancer Controller puts on everything it creates.
const clusterTag = "elbv2.k8s.aws/cluster"

// Condition helpers on the controller's cluster tag.
var (
	requestTagged  = map[string]any{"Null": map[string]any{"aws:RequestTag/" + clusterTag: "false"}}
	resourceTagged = map[string]any{"Null": map[string]any{"aws:ResourceTag/" + clusterTag: "false"}}
)

// elbARNs are the load balancer, listener and rule ARNs the controller manages.
var elbARNs = []string{
	"arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*",
	"arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*",
	"arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*",
	"arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*",
	"arn:aws:elasticloadbalancing:*:*:listener-rule/net/*/*/*",
	"arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*",
}

const targetGroupARN = "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*"

// loadBalancerControllerPolicy is the controller's documented IAM policy, narrowed: "*" only for
// read actions (Describe, Get, List) or under the controller's cluster tag conditions, security
// group rule changes only inside the cluster's VPC, and none of the WAF, Shield or Cognito actions
// (the platform does not use them).
func loadBalancerControllerPolicy(vpcID string) iampolicy.Document {
	withCond := func(s iampolicy.Statement, cond map[string]any) iampolicy.Statement {
		s.Condition = cond
		return s
	}
	sg := "arn:aws:ec2:*:*:security-group/*"
	return iampolicy.New(
		withCond(iampolicy.Allow("ServiceLinkedRole", []string{"iam:CreateServiceLinkedRole"},
			"arn:aws:iam::*:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing"),
			map[string]any{"StringEquals": map[string]any{"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}}),
		iampolicy.Allow("Describe", []string{
			"ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones",
			"ec2:DescribeInternetGateways", "ec2:DescribeVpcs", "ec2:DescribeVpcPeeringConnections",
			"ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeInstances",
			"ec2:DescribeNetworkInterfaces", "ec2:DescribeTags", "ec2:DescribeRouteTables",
			"ec2:DescribeCoipPools", "ec2:DescribeIpamPools", "ec2:GetCoipPoolUsage", "ec2:GetSecurityGroupsForVpc",
			"elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
			"elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerCertificates",
			"elasticloadbalancing:DescribeListenerAttributes", "elasticloadbalancing:DescribeSSLPolicies",
			"elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups",
			"elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTargetHealth",
			"elasticloadbalancing:DescribeTags", "elasticloadbalancing:DescribeTrustStores",
			"elasticloadbalancing:DescribeCapacityReservation",
			"acm:ListCertificates", "acm:DescribeCertificate",
		}, "*"),
		withCond(iampolicy.Allow("SecurityGroupRulesInVPC", []string{
			"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress",
		}, sg), map[string]any{"StringEquals": map[string]any{"ec2:Vpc": "arn:aws:ec2:*:*:vpc/" + vpcID}}),
		withCond(iampolicy.Allow("CreateSecurityGroup", []string{"ec2:CreateSecurityGroup"}, sg,
			"arn:aws:ec2:*:*:vpc/"+vpcID), nil),
		withCond(iampolicy.Allow("TagNewSecurityGroup", []string{"ec2:CreateTags"}, sg), map[string]any{
			"StringEquals": map[string]any{"ec2:CreateAction": "CreateSecurityGroup"},
			"Null":         map[string]any{"aws:RequestTag/" + clusterTag: "false"},
		}),
		withCond(iampolicy.Allow("ManageOwnSecurityGroups", []string{
			"ec2:CreateTags", "ec2:DeleteTags", "ec2:AuthorizeSecurityGroupIngress",
			"ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup",
		}, sg), resourceTagged),
		withCond(iampolicy.Allow("CreateLoadBalancers", []string{
			"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup",
		}, "*"), requestTagged),
		iampolicy.Allow("ManageListeners", []string{
			"elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener",
			"elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule",
			"elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule",
			"elasticloadbalancing:SetRulePriorities", "elasticloadbalancing:AddListenerCertificates",
			"elasticloadbalancing:RemoveListenerCertificates",
		}, elbARNs...),
		withCond(iampolicy.Allow("TagOnCreate", []string{"elasticloadbalancing:AddTags"},
			append([]string{targetGroupARN}, elbARNs...)...), map[string]any{
			"StringEquals": map[string]any{"elasticloadbalancing:CreateAction": []string{"CreateTargetGroup", "CreateLoadBalancer"}},
			"Null":         map[string]any{"aws:RequestTag/" + clusterTag: "false"},
		}),
		withCond(iampolicy.Allow("TagOwnLoadBalancers", []string{
			"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
		}, append([]string{targetGroupARN}, elbARNs...)...), resourceTagged),
		withCond(iampolicy.Allow("ModifyOwnLoadBalancers", []string{
			"elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType",
			"elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets",
			"elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup",
			"elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup",
			"elasticloadbalancing:ModifyListenerAttributes", "elasticloadbalancing:ModifyCapacityReservation",
		}, "*"), resourceTagged),
		iampolicy.Allow("RegisterTargets", []string{
			"elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets",
		}, targetGroupARN),
	)
}

// ecrReadPolicy lets Argo CD Image Updater list and read images, nothing more.
func ecrReadPolicy(region string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Allow("Token", []string{"ecr:GetAuthorizationToken"}, "*"),
		iampolicy.Allow("ReadRepositories", []string{
			"ecr:BatchGetImage", "ecr:DescribeImages", "ecr:ListImages",
			"ecr:DescribeRepositories", "ecr:GetDownloadUrlForLayer",
		}, "arn:aws:ecr:"+region+":*:repository/*"),
	)
}

// logShippingPolicy lets Fluent Bit write to one log group.
func logShippingPolicy(logGroupARN string) iampolicy.Document {
	return iampolicy.New(iampolicy.Allow("ShipLogs", []string{
		"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams",
	}, logGroupARN, logGroupARN+":log-stream:*"))
}
