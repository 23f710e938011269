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

// Condition helpers on the controller's cluster tag: requestTagged asks that a create call tag
// the new resource with it, resourceTagged that the resource carries it already, and
// ownTagsOnly adds that a tag call does not set or remove it (only the controller's own
// resources, and never their ownership tag).
var (
	requestTagged  = map[string]any{"Null": map[string]any{"aws:RequestTag/" + clusterTag: "false"}}
	resourceTagged = map[string]any{"Null": map[string]any{"aws:ResourceTag/" + clusterTag: "false"}}
	ownTagsOnly    = map[string]any{"Null": map[string]any{"aws:RequestTag/" + clusterTag: "true", "aws:ResourceTag/" + clusterTag: "false"}}
)

// The ARNs of what the controller manages.
var (
	loadBalancerARNs = []string{
		"arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*",
		"arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*",
	}
	listenerARNs = []string{
		"arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*",
		"arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*",
		"arn:aws:elasticloadbalancing:*:*:listener-rule/net/*/*/*",
		"arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*",
	}
	// elbARNs are the load balancer, listener and rule ARNs.
	elbARNs = append(append([]string(nil), loadBalancerARNs...), listenerARNs...)
)

const targetGroupARN = "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*"

// lbcPolicySource is where loadBalancerControllerPolicy comes from: the
// controller's own policy at the app version of the newest aws/eks-charts chart. The facts it was
// checked against (actions, resources and conditions per upstream statement) are committed in
// testdata/lbc-iam-policy-v3.5.0.json; a test compares the two.
const lbcPolicySource = "kubernetes-sigs/aws-load-balancer-controller v3.5.0 docs/install/iam_policy.json " +
	"(aws/eks-charts aws-load-balancer-controller chart 3.5.0, appVersion v3.5.0)"

// loadBalancerControllerPolicy is the controller's documented IAM policy (see
// lbcPolicySource) for what the platform uses: NLB Services, their target
// groups, listeners and rules, and the security groups and rules in front of them. It is the
// upstream statement for statement, with these differences, all narrower:
//   - none of the WAF, WAF Regional, Shield, Cognito or IAM server-certificate actions, nor
//     SetWebAcl: they serve ALB Ingress features the platform does not use (certificates come from
//     ACM);
//   - the service-linked role only for Elastic Load Balancing's role path, security groups created
//     only in the cluster's VPC, and listener, rule and target actions on load balancer, listener,
//     rule and target group ARNs rather than "*";
//   - security group rules on groups the controller did not create (the nodes' and pods' groups it
//     opens to the load balancer) only inside the cluster's VPC: ArnLike on ec2:Vpc, because IAM
//     compares an ARN pattern with wildcards only under the *Like and Arn operators; the condition
//     key is listed for security groups in the Service Authorization Reference
//     (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html).
//
// Listeners and rules are tagged when created (CreateListener and CreateRule carry tags), so
// AddTags on them is allowed as upstream: without it CreateListener is denied.
func loadBalancerControllerPolicy(vpcID string) iampolicy.Document {
	withCond := func(s iampolicy.Statement, cond map[string]any) iampolicy.Statement {
		s.Condition = cond
		return s
	}
	sg := "arn:aws:ec2:*:*:security-group/*"
	vpc := "arn:aws:ec2:*:*:vpc/" + vpcID
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
		}, "*"),
		iampolicy.Allow("Certificates", []string{"acm:ListCertificates", "acm:DescribeCertificate"}, "*"),
		withCond(iampolicy.Allow("SecurityGroupRulesInVPC", []string{
			"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress",
		}, sg), map[string]any{"ArnLike": map[string]any{"ec2:Vpc": vpc}}),
		iampolicy.Allow("CreateSecurityGroup", []string{"ec2:CreateSecurityGroup"}, sg, vpc),
		withCond(iampolicy.Allow("TagNewSecurityGroup", []string{"ec2:CreateTags"}, sg), map[string]any{
			"StringEquals": map[string]any{"ec2:CreateAction": "CreateSecurityGroup"},
			"Null":         map[string]any{"aws:RequestTag/" + clusterTag: "false"},
		}),
		withCond(iampolicy.Allow("TagOwnSecurityGroups", []string{"ec2:CreateTags", "ec2:DeleteTags"}, sg), ownTagsOnly),
		withCond(iampolicy.Allow("ManageOwnSecurityGroups", []string{
			"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup",
		}, sg), resourceTagged),
		withCond(iampolicy.Allow("CreateLoadBalancers", []string{
			"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup",
		}, "*"), requestTagged),
		iampolicy.Allow("ManageListeners", []string{
			"elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener",
			"elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule",
		}, elbARNs...),
		withCond(iampolicy.Allow("TagOwnLoadBalancers", []string{
			"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
		}, append([]string{targetGroupARN}, loadBalancerARNs...)...), ownTagsOnly),
		iampolicy.Allow("TagListenersAndRules", []string{
			"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
		}, listenerARNs...),
		withCond(iampolicy.Allow("ModifyOwnLoadBalancers", []string{
			"elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType",
			"elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets",
			"elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup",
			"elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup",
			"elasticloadbalancing:ModifyListenerAttributes", "elasticloadbalancing:ModifyCapacityReservation",
			"elasticloadbalancing:ModifyIpPools",
		}, "*"), resourceTagged),
		withCond(iampolicy.Allow("TagOnCreate", []string{"elasticloadbalancing:AddTags"},
			append([]string{targetGroupARN}, loadBalancerARNs...)...), map[string]any{
			"StringEquals": map[string]any{"elasticloadbalancing:CreateAction": []string{"CreateTargetGroup", "CreateLoadBalancer"}},
			"Null":         map[string]any{"aws:RequestTag/" + clusterTag: "false"},
		}),
		iampolicy.Allow("RegisterTargets", []string{
			"elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets",
		}, targetGroupARN),
		iampolicy.Allow("ModifyListeners", []string{
			"elasticloadbalancing:ModifyListener", "elasticloadbalancing:AddListenerCertificates",
			"elasticloadbalancing:RemoveListenerCertificates", "elasticloadbalancing:ModifyRule",
			"elasticloadbalancing:SetRulePriorities",
		}, elbARNs...),
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
