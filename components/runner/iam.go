package runner

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/arn"
	"github.com/flowmart/platform/pkg/iampolicy"
)

// scope is where the runner lives and what its role touches, once known.
type scope struct {
	Partition, Region, Account string
	ProjectName                string
	LogGroupARN                string
	ConnectionARN              string
	SubnetIDs                  []string
}

// projectARN is the ARN of the runner's CodeBuild project.
func (s scope) projectARN() string {
	return "arn:" + s.Partition + ":codebuild:" + s.Region + ":" + s.Account + ":project/" + s.ProjectName
}

// ec2ARN is the ARN of an EC2 resource of the runner's account and region.
func (s scope) ec2ARN(resource string) string {
	return "arn:" + s.Partition + ":ec2:" + s.Region + ":" + s.Account + ":" + resource
}

// trustPolicy lets CodeBuild assume the role for this project only: aws:SourceAccount and
// aws:SourceArn, as CodeBuild documents against the confused deputy ("Cross-service confused
// deputy prevention",
// https://docs.aws.amazon.com/codebuild/latest/userguide/cross-service-confused-deputy-prevention.html).
func trustPolicy(s scope) iampolicy.Document {
	return iampolicy.AssumeRole("codebuild.amazonaws.com", map[string]any{
		"StringEquals": map[string]any{"aws:SourceAccount": s.Account},
		"ArnLike":      map[string]any{"aws:SourceArn": s.projectARN()},
	})
}

// vpcDescribeActions and the unscoped ec2:CreateNetworkInterface are the actions the AWS CodeBuild
// User Guide gives a VPC project's service role on "*" ("Allow CodeBuild access to AWS services
// required to create a VPC network interface",
// https://docs.aws.amazon.com/codebuild/latest/userguide/auth-and-access-control-iam-identity-based-access-control.html#customer-managed-policies-example-create-vpc-network-interface;
// the same list is in aws-quickstart/quickstart-git2s3 pull request 76). CreateNetworkInterface
// names the subnet and security group of the call as resources as well, so it stays on "*"
// as documented.
var vpcDescribeActions = []string{
	"ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
	"ec2:DescribeSecurityGroups", "ec2:DescribeVpcs",
}

// servicePolicy is the service role's one policy, and nothing else:
//   - Logs: logs:CreateLogStream and logs:PutLogEvents on the runner's log group and its streams
//     (the group exists: no logs:CreateLogGroup);
//   - GitHubConnection: <service>:GetConnectionToken and <service>:GetConnection on the one
//     connection, the two actions CodeBuild's guide gives the project role ("GitHub App
//     connections for GitHub and GitHub Enterprise Server", step 2,
//     https://docs.aws.amazon.com/codebuild/latest/userguide/connections-github-app.html), with
//     the connection ARN's own service prefix (codeconnections or codestar-connections: IAM
//     matches the prefix of the ARN). codeconnections:UseConnection, which that guide does not
//     ask for, is left out;
//   - VPCNetworkInterfaces, DeleteNetworkInterfaces, NetworkInterfacePermission: the VPC
//     statements of the guide's policy (see vpcDescribeActions), with ec2:DeleteNetworkInterface
//     narrowed from "*" to the network interfaces of the account and region (its only resource
//     type) in the runner's subnets, and ec2:CreateNetworkInterfacePermission on them only for
//     the runner's subnets and only for CodeBuild (ec2:Subnet, ec2:AuthorizedService), as the
//     guide's second statement. ec2:Subnet is a condition key of the network-interface resource
//     type (the guide's own statement puts it on network-interface/*), so it narrows the delete
//     too: a job on the runner cannot delete the detached interfaces of other subnets.
//
// No sts:AssumeRole, no eks:*, no kms:Decrypt, no S3: jobs bring their own role through OIDC.
func servicePolicy(s scope) (iampolicy.Document, error) {
	if err := checkConnectionARN(s.ConnectionARN); err != nil {
		return iampolicy.Document{}, err
	}
	conn, err := arn.Parse(s.ConnectionARN)
	if err != nil { // checked just above: unreachable
		return iampolicy.Document{}, err
	}
	if err := checkSubnetCount(len(s.SubnetIDs)); err != nil {
		return iampolicy.Document{}, err
	}
	subnets := make([]string, len(s.SubnetIDs))
	for i, id := range s.SubnetIDs {
		subnets[i] = s.ec2ARN("subnet/" + id)
	}
	enis := s.ec2ARN("network-interface/*")
	permission := iampolicy.Allow("NetworkInterfacePermission", []string{"ec2:CreateNetworkInterfacePermission"}, enis)
	permission.Condition = map[string]any{"StringEquals": map[string]any{
		"ec2:Subnet":            subnets,
		"ec2:AuthorizedService": "codebuild.amazonaws.com",
	}}
	deleteENIs := iampolicy.Allow("DeleteNetworkInterfaces", []string{"ec2:DeleteNetworkInterface"}, enis)
	deleteENIs.Condition = map[string]any{"StringEquals": map[string]any{"ec2:Subnet": subnets}}
	return iampolicy.New(
		iampolicy.Allow("Logs", []string{"logs:CreateLogStream", "logs:PutLogEvents"}, s.LogGroupARN, s.LogGroupARN+":*"),
		iampolicy.Allow("GitHubConnection", []string{conn.Service + ":GetConnectionToken", conn.Service + ":GetConnection"}, s.ConnectionARN),
		iampolicy.Allow("VPCNetworkInterfaces", append([]string{"ec2:CreateNetworkInterface"}, vpcDescribeActions...), "*"),
		deleteENIs,
		permission,
	), nil
}

// scopeOf builds the scope from the security group's ARN (partition, region, account), the
// log group's ARN, the connection's ARN and the subnet ids.
func (r *Runner) scopeOf(sgARN, logGroupARN, connectionARN string, subnets []string) (scope, error) {
	p, err := arn.Parse(sgARN)
	if err != nil {
		return scope{}, err
	}
	if len(p.AccountID) != 12 || p.Region == "" {
		return scope{}, fmt.Errorf("security group ARN %q names no account or region", sgARN)
	}
	return scope{Partition: p.Partition, Region: p.Region, Account: p.AccountID, ProjectName: r.args.ProjectName,
		LogGroupARN: logGroupARN, ConnectionARN: connectionARN, SubnetIDs: subnets}, nil
}

// serviceRole creates the CodeBuild service role, called name, with PermissionsBoundaryARN, and
// its one inline policy (servicePolicy).
func (r *Runner) serviceRole(ctx *pulumi.Context) error {
	trust := r.securityGroup.Arn.ApplyT(func(sgARN string) (string, error) {
		s, err := r.scopeOf(sgARN, "", "", nil)
		if err != nil {
			return "", err
		}
		return trustPolicy(s).String(), nil
	}).(pulumi.StringOutput)
	role, err := iam.NewRole(ctx, r.name, &iam.RoleArgs{
		Description:         pulumi.String("CodeBuild service role of GitHub Actions runner " + r.args.ProjectName + ": its logs, its GitHub connection, its network interfaces; no deploy rights"),
		AssumeRolePolicy:    trust,
		PermissionsBoundary: r.args.PermissionsBoundaryARN,
		Tags:                r.tags(r.name),
	}, r.opts...)
	if err != nil {
		return err
	}
	r.role = role
	policy := pulumi.All(r.securityGroup.Arn, r.logGroup.Arn, r.args.ConnectionARN, r.args.SubnetIDs.ToStringArrayOutput()).ApplyT(func(v []any) (string, error) {
		s, err := r.scopeOf(v[0].(string), v[1].(string), v[2].(string), v[3].([]string))
		if err != nil {
			return "", err
		}
		doc, err := servicePolicy(s)
		if err != nil {
			return "", err
		}
		return doc.String(), nil
	}).(pulumi.StringOutput)
	r.rolePolicy, err = iam.NewRolePolicy(ctx, r.name, &iam.RolePolicyArgs{
		Role:   role.Name,
		Policy: policy,
	}, r.opts...)
	return err
}
