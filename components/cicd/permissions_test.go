package cicd

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/flowmart/platform/pkg/iampolicy"
)

// matches reports whether an IAM Resource pattern (with * and ?) matches a concrete ARN.
func matches(pattern, arn string) bool {
	re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$"
	return regexp.MustCompile(re).MatchString(arn)
}

// grants returns the Allow statements of the deploy policies that give action on arn.
func grants(docs []PolicyGroup, action, arn string) []iampolicy.Statement {
	var out []iampolicy.Statement
	for _, g := range docs {
		for _, s := range g.Document.Statement {
			if s.Effect != "Allow" || !slices.ContainsFunc(s.Action, func(a string) bool { return actionMatches(a, action) }) {
				continue
			}
			for _, r := range s.Resource {
				if matches(r, arn) {
					out = append(out, s)
					break
				}
			}
		}
	}
	return out
}

// actionMatches reports whether an action pattern of a statement ("autoscaling:Put*") matches an
// action; IAM compares action names case-insensitively and expands * and ?.
func actionMatches(pattern, action string) bool {
	return matches(strings.ToLower(pattern), strings.ToLower(action))
}

func productionScope() Scope {
	return Scope{AccountID: account, Regions: []string{"eu-west-1"}, IAMNamePrefix: "production-",
		StateBucket: "arn:aws:s3:::state", StateKey: "arn:aws:kms:eu-west-1:777788889999:key/k", RoleName: "flowmart-deploy-production",
		Environment: "production", NamePrefix: "flowmart", BoundaryARN: "arn:aws:iam::777788889999:policy/flowmart-workload-boundary-production",
		SecretsKey: "arn:aws:kms:eu-west-1:777788889999:key/secrets", IdentityKeys: []string{"arn:aws:kms:eu-west-1:777788889999:key/secrets"}}
}

func TestResourcePatternMatching(t *testing.T) {
	for _, c := range []struct {
		pattern, arn string
		want         bool
	}{
		{"*", "arn:aws:sns:eu-west-1:777788889999:t", true},
		{"arn:aws:sns:eu-west-1:777788889999:*", "arn:aws:sns:eu-west-1:777788889999:t:0f1e", true},
		{"arn:aws:sns:eu-west-1:777788889999:*", "arn:aws:sns:us-east-1:777788889999:t", false},
		{"arn:aws:sns:eu-west-1:777788889999:*", "arn:aws:sns:eu-west-1:111122223333:t", false},
		{"arn:aws:ecr:eu-west-1:1:repository/k8s/*", "arn:aws:ecr:eu-west-1:1:repository/k8s/pause", true},
		{"arn:aws:ecr:eu-west-1:1:repository/k8s/*", "arn:aws:ecr:eu-west-1:1:repository/k8sx", false},
	} {
		if got := matches(c.pattern, c.arn); got != c.want {
			t.Errorf("matches(%q, %q) = %v, want %v", c.pattern, c.arn, got, c.want)
		}
	}
}

// Production's e-mail alarm subscription can be changed (SetSubscriptionAttributes) and replaced
// or destroyed (Unsubscribe): both are granted on "*" (the reading of the Service Authorization
// Reference that gives them no resource type; under the other, topic, reading "*" covers the
// topic too) with the region condition, in exactly one statement.
func TestSubscriptionPermissions(t *testing.T) {
	docs := DeployPolicies(productionScope())
	topic := "arn:aws:sns:eu-west-1:777788889999:production-alarms"
	subscription := topic + ":0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
	for _, action := range []string{"sns:Unsubscribe", "sns:SetSubscriptionAttributes"} {
		t.Run(action, func(t *testing.T) {
			for _, arn := range []string{"*", subscription, topic} {
				got := grants(docs, action, arn)
				if len(got) != 1 || !slices.Equal(got[0].Resource, []string{"*"}) {
					t.Fatalf("%s on %s: %+v", action, arn, got)
				}
				if r := condition(got[0], "StringEquals", "aws:RequestedRegion"); !slices.Equal(toStrings(r), []string{"eu-west-1"}) {
					t.Errorf("%s: region condition %v", action, r)
				}
			}
		})
	}
}

// No SNS write action other than the two subscription actions is granted on "*".
func TestNoSNSWriteOnStar(t *testing.T) {
	for _, g := range DeployPolicies(productionScope()) {
		for _, s := range g.Document.Statement {
			if !slices.Contains(s.Resource, "*") {
				continue
			}
			for _, a := range s.Action {
				if strings.HasPrefix(a, "sns:") && !slices.Contains(SNSSubscriptionActions, a) &&
					!strings.HasPrefix(a, "sns:List") && !strings.HasPrefix(a, "sns:Get") {
					t.Errorf("%s: %s on *", g.Name, a)
				}
			}
		}
	}
}

// grantedOnlyHere checks that each action is granted on own and on none of others.
func grantedOnlyHere(t *testing.T, actions []string, own string, others ...string) {
	t.Helper()
	docs := DeployPolicies(productionScope())
	for _, a := range actions {
		if len(grants(docs, a, own)) == 0 {
			t.Errorf("%s is not granted on %s", a, own)
		}
		for _, o := range others {
			if got := grants(docs, a, o); len(got) > 0 {
				t.Errorf("%s is granted on %s: %+v", a, o, got)
			}
		}
	}
}

// The node termination handler's queue and its queue policy.
func TestTerminationQueuePermissions(t *testing.T) {
	grantedOnlyHere(t, []string{"sqs:CreateQueue", "sqs:DeleteQueue", "sqs:GetQueueAttributes", "sqs:SetQueueAttributes", "sqs:TagQueue"},
		"arn:aws:sqs:eu-west-1:777788889999:production-node-termination-1a2b3c4",
		"arn:aws:sqs:us-east-1:777788889999:production-node-termination-1a2b3c4",
		"arn:aws:sqs:eu-west-1:111122223333:production-node-termination-1a2b3c4")
}

// The EventBridge rules (default bus) that feed the queue, and their targets.
func TestTerminationEventPermissions(t *testing.T) {
	grantedOnlyHere(t, []string{"events:PutRule", "events:DeleteRule", "events:DescribeRule", "events:PutTargets", "events:RemoveTargets", "events:ListTargetsByRule"},
		"arn:aws:events:eu-west-1:777788889999:rule/production-node-termination-asg-lifecycle-1a2b3c4",
		"arn:aws:events:us-east-1:777788889999:rule/production-node-termination-asg-lifecycle-1a2b3c4",
		"arn:aws:events:eu-west-1:111122223333:rule/production-node-termination-asg-lifecycle-1a2b3c4")
}

// The lifecycle hooks are covered by the existing autoscaling wildcards.
func TestLifecycleHookPermissions(t *testing.T) {
	grantedOnlyHere(t, []string{"autoscaling:PutLifecycleHook", "autoscaling:DeleteLifecycleHook"},
		"arn:aws:autoscaling:eu-west-1:777788889999:autoScalingGroup:0f1e:autoScalingGroupName/production-system",
		"arn:aws:autoscaling:us-east-1:777788889999:autoScalingGroup:0f1e:autoScalingGroupName/production-system",
		"arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:0f1e:autoScalingGroupName/production-system")
	got := grants(DeployPolicies(productionScope()), "autoscaling:DescribeLifecycleHooks", "*")
	if len(got) != 1 || !slices.Equal(toStrings(condition(got[0], "StringEquals", "aws:RequestedRegion")), []string{"eu-west-1"}) {
		t.Errorf("autoscaling:DescribeLifecycleHooks: %+v", got)
	}
}

// Resolver query logging: the configuration and association on the stack's own configuration
// ARNs, the list/association reads and the log delivery on "*" in the stack's region only.
func TestResolverQueryLoggingPermissions(t *testing.T) {
	grantedOnlyHere(t, []string{"route53resolver:CreateResolverQueryLogConfig", "route53resolver:DeleteResolverQueryLogConfig",
		"route53resolver:GetResolverQueryLogConfig", "route53resolver:AssociateResolverQueryLogConfig",
		"route53resolver:DisassociateResolverQueryLogConfig"},
		"arn:aws:route53resolver:eu-west-1:777788889999:resolver-query-log-config/rqlc-0123456789abcdef",
		"arn:aws:route53resolver:us-east-1:777788889999:resolver-query-log-config/rqlc-0123456789abcdef",
		"arn:aws:route53resolver:eu-west-1:111122223333:resolver-query-log-config/rqlc-0123456789abcdef")
	docs := DeployPolicies(productionScope())
	for _, a := range append(slices.Clone(ResolverQueryLogListActions), LogDeliveryActions...) {
		got := grants(docs, a, "*")
		if len(got) == 0 {
			t.Errorf("%s is not granted", a)
		}
		for _, g := range got {
			if !slices.Equal(toStrings(condition(g, "StringEquals", "aws:RequestedRegion")), []string{"eu-west-1"}) {
				t.Errorf("%s outside the stack's region: %+v", a, g)
			}
		}
	}
}

// The deploy role can turn the registry's enhanced scanning on (and off): the Inspector actions
// of the ECR User Guide on "*" in the stack's regions, and Inspector's service-linked role, only
// for inspector2.amazonaws.com.
func TestEnhancedScanningPermissions(t *testing.T) {
	docs := DeployPolicies(productionScope())
	for _, action := range []string{"inspector2:Enable", "inspector2:ListAccountPermissions", "inspector2:Disable", "ecr:PutRegistryScanningConfiguration"} {
		got := grants(docs, action, "*")
		if len(got) != 1 || !slices.Contains(got[0].Resource, "*") {
			t.Errorf("%s: %+v", action, got)
			continue
		}
		if r := condition(got[0], "StringEquals", "aws:RequestedRegion"); !slices.Equal(toStrings(r), []string{"eu-west-1"}) {
			t.Errorf("%s: region condition %v", action, r)
		}
	}
	slr := "arn:aws:iam::777788889999:role/aws-service-role/inspector2.amazonaws.com/AWSServiceRoleForAmazonInspector2"
	got := grants(docs, "iam:CreateServiceLinkedRole", slr)
	if len(got) != 1 || !slices.Contains(toStrings(condition(got[0], "StringEquals", "iam:AWSServiceName")), "inspector2.amazonaws.com") {
		t.Fatalf("Inspector's service-linked role: %+v", got)
	}
	if slices.Contains(got[0].Resource, "*") {
		t.Errorf("iam:CreateServiceLinkedRole on *: %+v", got[0])
	}
	if len(grants(docs, "inspector2:CreateFilter", "*")) > 0 || len(grants(docs, "inspector2:ListFindings", "*")) > 0 {
		t.Error("the deploy role gets Inspector actions beyond turning scanning on and off")
	}
}

// The registry's pull-through cache: repository creation templates (registry-level, on "*"),
// their custom role passed only to ECR, and the cache-pull policy and template role under the
// environment's IAM prefix.
func TestRepositoryCreationTemplatePermissions(t *testing.T) {
	docs := DeployPolicies(productionScope())
	for _, action := range []string{"ecr:CreateRepositoryCreationTemplate", "ecr:UpdateRepositoryCreationTemplate", "ecr:DeleteRepositoryCreationTemplate", "ecr:CreatePullThroughCacheRule"} {
		if len(grants(docs, action, "*")) != 1 {
			t.Errorf("%s is not granted", action)
		}
	}
	pass := grants(docs, "iam:PassRole", "arn:aws:iam::777788889999:role/production-cache-template-abc1234")
	if len(pass) != 1 || !slices.Contains(toStrings(condition(pass[0], "StringEquals", "iam:PassedToService")), "ecr.amazonaws.com") {
		t.Errorf("PassRole to ECR: %+v", pass)
	}
	if len(grants(docs, "iam:PassRole", "arn:aws:iam::777788889999:role/flowmart-ecr-push-production")) > 0 {
		t.Error("the deploy role may pass the CI push role")
	}
}

// The CI push role's own policy is an ECR token only; without a repository policy naming it, it
// can push nowhere.
func TestCIPushPolicy(t *testing.T) {
	d := CIPushPolicy()
	if len(d.Statement) != 1 || !slices.Equal(d.Statement[0].Action, []string{"ecr:GetAuthorizationToken"}) || !slices.Equal(d.Statement[0].Resource, []string{"*"}) {
		t.Errorf("CI push policy %+v", d)
	}
	if CIPushRoleName("flowmart", "production") != "flowmart-ecr-push-production" {
		t.Error(CIPushRoleName("flowmart", "production"))
	}
}

// The identity creates, per environment, a CI push role trusted only by jobs of that GitHub
// Environment (not by itself), with the token policy inline, protected with the other roles, and
// exports its ARN.
func TestCIPushRoleInTheGraph(t *testing.T) {
	args := baseArgs()
	args.Protect = true
	for _, deploy := range []bool{false, true} {
		doc := build(t, args, deploy)
		role := doc.Get(typeRole, "flowmart-ecr-push-production")
		if role == nil || role.Inputs["name"] != "flowmart-ecr-push-production" || !role.Protect || role.Inputs["maxSessionDuration"] != 10800.0 {
			t.Fatalf("deploy=%v: CI push role %+v", deploy, role)
		}
		if comp := doc.Get("flowmart:cicd:DeployIdentity", "flowmart"); role.Parent != comp.URN {
			t.Errorf("parent %s", role.Parent)
		}
		trust := parse(t, role, "assumeRolePolicy")
		if len(trust.Statement) != 1 || trust.Statement[0].Principal["Federated"] != "arn:aws:iam::777788889999:oidc-provider/token.actions.githubusercontent.com" ||
			condition(trust.Statement[0], "StringEquals", "token.actions.githubusercontent.com:sub") != "repo:flowmart/platform:environment:production" ||
			condition(trust.Statement[0], "StringEquals", "token.actions.githubusercontent.com:aud") != "sts.amazonaws.com" {
			t.Errorf("deploy=%v: trust %+v", deploy, trust)
		}
		inline := doc.Get(typeRolePolicy, "flowmart-ecr-push-production-token")
		if inline == nil || inline.Inputs["role"] != "flowmart-ecr-push-production" || parse(t, inline, "policy").String() != CIPushPolicy().String() {
			t.Errorf("deploy=%v: inline policy %+v", deploy, inline)
		}
		for _, a := range doc.Find(typeAttachment) {
			if a.Inputs["role"] == "flowmart-ecr-push-production" {
				t.Errorf("deploy=%v: a managed policy is attached to the CI push role: %+v", deploy, a.Inputs)
			}
		}
		if arns := doc.Outputs["ciPush"].(map[string]string); arns["production"] != "arn:aws:iam::777788889999:role/flowmart-ecr-push-production" {
			t.Errorf("deploy=%v: CI push ARNs %v", deploy, arns)
		}
	}
}

// The offerings' resources (components/database, cache, service) can be created, changed and
// destroyed in the stack's account and region only: an RDS instance, its read replica, subnet and
// parameter groups and final snapshot; an ElastiCache replication group; Cloud Map on "*" under
// the region condition. And the RDS and ElastiCache service-linked roles may be created.
func TestOfferingsPermissions(t *testing.T) {
	grantedOnlyHere(t, []string{"rds:CreateDBInstance", "rds:CreateDBInstanceReadReplica", "rds:ModifyDBInstance", "rds:DeleteDBInstance", "rds:CreateDBSnapshot"},
		"arn:aws:rds:eu-west-1:777788889999:db:production-orders-db",
		"arn:aws:rds:us-east-1:777788889999:db:production-orders-db",
		"arn:aws:rds:eu-west-1:111122223333:db:production-orders-db")
	grantedOnlyHere(t, []string{"rds:CreateDBSubnetGroup", "rds:DeleteDBSubnetGroup"},
		"arn:aws:rds:eu-west-1:777788889999:subgrp:production-orders-db",
		"arn:aws:rds:eu-west-1:111122223333:subgrp:production-orders-db")
	grantedOnlyHere(t, []string{"elasticache:CreateReplicationGroup", "elasticache:ModifyReplicationGroup", "elasticache:DeleteReplicationGroup", "elasticache:CreateCacheCluster"},
		"arn:aws:elasticache:eu-west-1:777788889999:replicationgroup:production-catalog-cache",
		"arn:aws:elasticache:us-east-1:777788889999:replicationgroup:production-catalog-cache",
		"arn:aws:elasticache:eu-west-1:111122223333:replicationgroup:production-catalog-cache")
	docs := DeployPolicies(productionScope())
	for _, a := range []string{"servicediscovery:CreateHttpNamespace", "servicediscovery:CreateService", "servicediscovery:RegisterInstance", "servicediscovery:GetOperation"} {
		got := grants(docs, a, "*")
		if len(got) == 0 {
			t.Errorf("%s is not granted", a)
		}
		for _, g := range got {
			if !slices.Equal(toStrings(condition(g, "StringEquals", "aws:RequestedRegion")), []string{"eu-west-1"}) {
				t.Errorf("%s outside the stack's region: %+v", a, g)
			}
		}
	}
	for _, svc := range []string{"rds.amazonaws.com", "elasticache.amazonaws.com"} {
		if !slices.Contains(ServiceLinkedRoles, svc) {
			t.Errorf("no service-linked role for %s", svc)
		}
	}
}

// The read-only roles see the offerings' configuration and nothing of their data: no Cloud Map
// DiscoverInstances, no RDS log download.
func TestReadOnlySeesOfferings(t *testing.T) {
	doc := ReadOnlyPolicy(ReadScope{AccountID: account, Regions: []string{"eu-west-1"}, StateBucket: "arn:aws:s3:::state", StateKey: "arn:aws:kms:eu-west-1:777788889999:key/k", RoleName: "flowmart-preview"})
	allows := func(action string) bool {
		for _, s := range doc.Statement {
			if s.Effect == "Allow" && slices.ContainsFunc(s.Action, func(a string) bool { return actionMatches(a, action) }) {
				return true
			}
		}
		return false
	}
	for _, a := range []string{"rds:DescribeDBInstances", "rds:DescribeDBParameters", "elasticache:DescribeReplicationGroups", "servicediscovery:GetInstance", "servicediscovery:GetOperation"} {
		if !allows(a) {
			t.Errorf("read-only role lacks %s", a)
		}
	}
	for _, a := range []string{"servicediscovery:DiscoverInstances", "rds:DownloadDBLogFilePortion", "rds-db:connect", "elasticache:Connect"} {
		if allows(a) {
			t.Errorf("read-only role may %s", a)
		}
	}
}
