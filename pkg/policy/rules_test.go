package policy

import (
	"encoding/base64"
	"strings"
	"testing"
)

func urn(typ, name string) string {
	return "urn:pulumi:production::flowmart-platform::flowmart:test:Component$" + typ + "::" + name
}

const parentURN = "urn:pulumi:production::flowmart-platform::flowmart:network:Network::production"

// res builds a recorded resource as pkg/preview records it.
func res(typ, name string, inputs map[string]any, deps ...string) Resource {
	return Resource{URN: urn(typ, name), Type: typ, Name: name, Inputs: inputs, Parent: parentURN, Dependencies: deps}
}

func protected(r Resource) Resource { r.Protect = true; return r }

type m = map[string]any
type l = []any

// Recorded inputs, as `platform preview --json` shows them.
var (
	vpc      = res(TypeVPC, "production-vpc", m{"cidrBlock": "10.30.0.0/16", "enableDnsHostnames": true, "enableDnsSupport": true})
	flowLog  = res(TypeFlowLog, "production-flow-logs", m{"logDestinationType": "cloud-watch-logs", "trafficType": "ALL", "vpcId": Unknown}, vpc.URN)
	defaultS = res(TypeDefaultSecurityGroup, "production-default-sg", m{"vpcId": "vpc-bbfb53b9c8a391d3e"}, vpc.URN)
	cluster  = res(TypeEKSCluster, "production-eks", m{
		"name":    "flowmart-production",
		"version": "1.33",
		"vpcConfig": m{
			"endpointPrivateAccess": true, "endpointPublicAccess": false,
			"subnetIds": l{"subnet-0a", "subnet-0b"},
		},
		"encryptionConfig":       m{"provider": m{"keyArn": "arn:aws:kms:eu-west-1:777788889999:key/1"}, "resources": l{"secrets"}},
		"enabledClusterLogTypes": l{"api", "audit", "authenticator", "controllerManager", "scheduler"},
	})
	sqlHost = res(TypeInstance, "production-sqlserver", m{
		"ami": "ami-0a1b2c3d4e5f60718", "instanceType": "r6i.xlarge", "monitoring": true,
		"metadataOptions": m{"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1},
		"rootBlockDevice": m{"encrypted": true, "volumeSize": 100, "volumeType": "gp3", "kmsKeyId": Unknown},
		"userData":        "<powershell>\n$password = (Get-SECSecretValue -SecretId $env:SECRET_ARN).SecretString\n</powershell>",
		"tags":            m{"Name": "production-sqlserver", "Role": "sqlserver"},
	})
	launchTemplate = res(TypeLaunchTemplate, "production-nodes", m{
		"metadataOptions":     m{"httpTokens": "required", "httpPutResponseHopLimit": 2},
		"blockDeviceMappings": l{m{"deviceName": "/dev/xvda", "ebs": m{"encrypted": "true", "volumeSize": 50, "volumeType": "gp3"}}},
		"userData":            base64.StdEncoding.EncodeToString([]byte("#!/bin/bash\n/etc/eks/bootstrap.sh flowmart-production\n")),
	})
	repo = res(TypeECRRepository, "production-storefront", m{
		"name": "storefront", "imageTagMutability": "IMMUTABLE", "forceDelete": false,
		"imageScanningConfiguration": m{"scanOnPush": true},
		"encryptionConfigurations":   l{m{"encryptionType": "KMS", "kmsKey": "arn:aws:kms:eu-west-1:777788889999:key/ff2a"}},
	})
	lifecycle = res(TypeECRLifecyclePolicy, "production-storefront-lifecycle", m{"policy": `{"rules":[]}`, "repository": "storefront"}, repo.URN)
)

func with(r Resource, path string, v any) Resource {
	in := deepCopy(r.Inputs)
	keys := strings.Split(path, ".")
	cur := in
	for _, k := range keys[:len(keys)-1] {
		next, ok := cur[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[k] = next
		}
		cur = next
	}
	if v == nil {
		delete(cur, keys[len(keys)-1])
	} else {
		cur[keys[len(keys)-1]] = v
	}
	r.Inputs = in
	return r
}

func deepCopy(in map[string]any) map[string]any {
	out := make(map[string]any, len(in))
	for k, v := range in {
		if mm, ok := v.(map[string]any); ok {
			v = deepCopy(mm)
		}
		out[k] = v
	}
	return out
}

type ruleCase struct {
	name   string
	policy string
	env    string
	r      Resource
	others []Resource
	fail   bool
}

func ruleCases() []ruleCase {
	sg := res(TypeSecurityGroup, "production-endpoints", m{"description": "Interface VPC endpoints: HTTPS from inside the VPC only", "vpcId": "vpc-1"})
	ingress := res(TypeIngressRule, "production-endpoints-https", m{"cidrIpv4": "10.30.0.0/16", "description": "HTTPS to the endpoints from the VPC", "fromPort": 443, "ipProtocol": "tcp", "securityGroupId": "sg-1", "toPort": 443})
	rolePolicy := res(TypeIAMRolePolicy, "production-flow-logs", m{"role": "r", "policy": `{"Version":"2012-10-17","Statement":[{"Sid":"WriteFlowLogs","Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents","logs:DescribeLogStreams"],"Resource":["arn:aws:logs:eu-west-1:777788889999:log-group:/flowmart/production/vpc-flow-logs:*"]}]}`})
	repoPolicy := res(TypeECRRepositoryPolicy, "production-storefront-policy", m{"repository": "storefront", "policy": `{"Version":"2012-10-17","Statement":[{"Sid":"Push","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::777788889999:role/flowmart-ci-ecr-push"]},"Action":["ecr:BatchGetImage","ecr:PutImage"]}]}`})
	cert := res(TypeCertificate, "production-cert", m{"domainName": "shop.example.com", "validationMethod": "DNS", "options": m{"certificateTransparencyLoggingPreference": "ENABLED"}})
	record := res(TypeCloudflareRecord, "production-validation-shop-example-com", m{"name": "_9552c942231f4de80299c3804b9a6be1.shop.example.com", "type": "CNAME", "proxied": false, "content": "_6018aa0c.acm-validations.aws", "ttl": 60})
	release := res(TypeHelmRelease, "production-argocd", m{"chart": "argo-cd", "version": "8.1.2", "namespace": "argocd", "repositoryOpts": m{"repo": "https://argoproj.github.io/argo-helm"}})
	key := res(TypeKMSKey, "production-ecr-key", m{"deletionWindowInDays": 30, "description": "Encrypts the ECR repositories", "enableKeyRotation": true})
	logGroup := res(TypeLogGroup, "production-flow-logs", m{"name": "/flowmart/production/vpc-flow-logs", "retentionInDays": 365, "kmsKeyId": "arn:aws:kms:eu-west-1:777788889999:key/3"})
	zone := res(TypeRoute53Zone, "production-private-zone", m{"name": "production.internal", "vpcs": l{m{"vpcId": "vpc-bbfb53b9c8a391d3e"}}}, vpc.URN)
	queryLog := res(TypeResolverQueryLogAssociation, "production-query-logs", m{"resolverQueryLogConfigId": "rqlc-0a1b2c3d", "resourceId": "vpc-bbfb53b9c8a391d3e"}, vpc.URN)
	volume := res(TypeVolume, "production-sqlserver-data", m{"availabilityZone": "eu-west-1a", "encrypted": true, "size": 500, "type": "gp3"})
	secret := res(TypeSecret, "production-sqlserver-admin", m{"name": "flowmart/production/sqlserver/admin", "kmsKeyId": "arn:aws:kms:eu-west-1:777788889999:key/2"})
	eip := res(TypeEIP, "production-nat-eip-eu-west-1a", m{"domain": "vpc"})
	subnet := res(TypeSubnet, "production-public-eu-west-1a", m{"availabilityZone": "eu-west-1a", "cidrBlock": "10.30.96.0/22", "mapPublicIpOnLaunch": false, "vpcId": "vpc-1"})
	world := func(from, to any, proto string) Resource {
		return with(with(with(with(ingress, "cidrIpv4", "0.0.0.0/0"), "fromPort", from), "toPort", to), "ipProtocol", proto)
	}
	adminPolicy := with(rolePolicy, "policy", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`)

	return append([]ruleCase{
		{"vpc with a flow log that depends on it", "FM-NET-001", Production, vpc, []Resource{flowLog}, false},
		{"flow log in the same component, vpcId unknown", "FM-NET-001", Production, vpc, []Resource{{URN: "fl", Type: TypeFlowLog, Parent: parentURN, Inputs: m{"vpcId": Unknown}}}, false},
		{"vpc without a flow log", "FM-NET-001", Production, vpc, nil, true},
		{"flow log of another vpc", "FM-NET-001", Production, vpc, []Resource{{URN: "fl", Type: TypeFlowLog, Parent: parentURN, Dependencies: []string{"other-vpc"}}, {URN: "other-vpc", Type: TypeVPC}}, true},
		{"default sg adopted without rules", "FM-NET-002", Production, defaultS, nil, false},
		{"vpc with its default sg managed", "FM-NET-002", Production, vpc, []Resource{defaultS}, false},
		{"default sg with an ingress rule", "FM-NET-002", Production, with(defaultS, "ingress", l{m{"protocol": "-1", "fromPort": 0, "toPort": 0, "self": true}}), nil, true},
		{"vpc whose default sg is not managed", "FM-NET-002", Production, vpc, nil, true},
		{"public subnet without public IPs", "FM-NET-003", Production, subnet, nil, false},
		{"subnet mapping public IPs", "FM-NET-003", Production, with(subnet, "mapPublicIpOnLaunch", true), nil, true},
		{"https from the vpc", "FM-NET-004", Production, ingress, nil, false},
		{"https from the internet", "FM-NET-004", Production, world(443, 443, "tcp"), nil, false},
		{"ports unknown during preview", "FM-NET-004", Production, world(Unknown, Unknown, "tcp"), nil, false},
		{"ssh from the internet", "FM-NET-004", Production, world(22, 22, "tcp"), nil, true},
		{"sql server range from ipv6 internet", "FM-NET-004", Production, with(with(with(ingress, "cidrIpv6", "::/0"), "fromPort", 1400), "toPort", 1500), nil, true},
		{"all traffic from the internet", "FM-NET-004", Production, world(0, 0, "-1"), nil, true},
		{"inline rdp on a security group", "FM-NET-004", Production, with(sg, "ingress", l{m{"protocol": "tcp", "fromPort": 3389, "toPort": 3389, "cidrBlocks": l{"0.0.0.0/0"}, "description": "rdp"}}), nil, true},
		{"security group rule resource ssh", "FM-NET-004", Production, res(TypeSecurityGroupRule, "ssh", m{"type": "ingress", "protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": l{"0.0.0.0/0"}, "description": "ssh"}), nil, true},
		{"described group and rule", "FM-NET-005", Production, sg, nil, false},
		{"described ingress rule", "FM-NET-005", Production, ingress, nil, false},
		{"group with the provider's default description", "FM-NET-005", Production, with(sg, "description", "Managed by Pulumi"), nil, true},
		{"rule without description", "FM-NET-005", Production, with(ingress, "description", nil), nil, true},
		{"inline rule without description", "FM-NET-005", Production, with(sg, "egress", l{m{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": l{"10.0.0.0/8"}}}), nil, true},

		{"private endpoint on", "FM-EKS-001", Production, cluster, nil, false},
		{"private endpoint off", "FM-EKS-001", Production, with(cluster, "vpcConfig.endpointPrivateAccess", false), nil, true},
		{"public endpoint off in production", "FM-EKS-002", Production, cluster, nil, false},
		{"public endpoint restricted in production", "FM-EKS-002", Production, with(with(cluster, "vpcConfig.endpointPublicAccess", true), "vpcConfig.publicAccessCidrs", l{"203.0.113.0/24"}), nil, false},
		{"public endpoint open in dev is allowed", "FM-EKS-002", Dev, with(cluster, "vpcConfig.endpointPublicAccess", true), nil, false},
		{"public endpoint open in production", "FM-EKS-002", Production, with(cluster, "vpcConfig.endpointPublicAccess", true), nil, true},
		{"public endpoint left to the default in production", "FM-EKS-002", Production, with(cluster, "vpcConfig.endpointPublicAccess", nil), nil, true},
		{"public endpoint to 0.0.0.0/0 in production", "FM-EKS-002", Production, with(with(cluster, "vpcConfig.endpointPublicAccess", true), "vpcConfig.publicAccessCidrs", l{"0.0.0.0/0"}), nil, true},
		{"secrets encrypted", "FM-EKS-003", Production, cluster, nil, false},
		{"secrets key unknown during preview", "FM-EKS-003", Production, with(cluster, "encryptionConfig.provider.keyArn", Unknown), nil, false},
		{"no encryption config", "FM-EKS-003", Production, with(cluster, "encryptionConfig", nil), nil, true},
		{"control plane logs", "FM-EKS-004", Production, cluster, nil, false},
		{"no audit log", "FM-EKS-004", Production, with(cluster, "enabledClusterLogTypes", l{"api", "authenticator"}), nil, true},
		{"no scheduler and controller manager logs", "FM-EKS-004", Production, with(cluster, "enabledClusterLogTypes", l{"api", "audit", "authenticator"}), nil, true},
		{"log types unknown during preview", "FM-EKS-004", Production, with(cluster, "enabledClusterLogTypes", Unknown), nil, false},
		{"supported version", "FM-EKS-005", Production, cluster, nil, false},
		{"unsupported version", "FM-EKS-005", Production, with(cluster, "version", "1.24"), nil, true},
		{"floating version", "FM-EKS-005", Production, with(cluster, "version", nil), nil, true},

		{"instance with IMDSv2", "FM-EC2-001", Production, sqlHost, nil, false},
		{"launch template with IMDSv2", "FM-EC2-001", Production, launchTemplate, nil, false},
		{"instance with IMDSv1", "FM-EC2-001", Production, with(sqlHost, "metadataOptions.httpTokens", "optional"), nil, true},
		{"launch template without metadata options", "FM-EC2-001", Production, with(launchTemplate, "metadataOptions", nil), nil, true},
		{"encrypted volume", "FM-EC2-002", Production, volume, nil, false},
		{"encrypted root and template", "FM-EC2-002", Production, launchTemplate, nil, false},
		{"unencrypted volume", "FM-EC2-002", Production, with(volume, "encrypted", nil), nil, true},
		{"instance without root encryption", "FM-EC2-002", Production, with(sqlHost, "rootBlockDevice.encrypted", false), nil, true},
		{"instance with an unencrypted data disk", "FM-EC2-002", Production, with(sqlHost, "ebsBlockDevices", l{m{"deviceName": "/dev/sdf", "volumeSize": 500}}), nil, true},
		{"launch template with an unencrypted disk", "FM-EC2-002", Production, with(launchTemplate, "blockDeviceMappings", l{m{"deviceName": "/dev/xvda", "ebs": m{"encrypted": "false"}}}), nil, true},
		{"private instance, NAT elastic IP", "FM-EC2-003", Production, sqlHost, nil, false},
		{"NAT elastic IP", "FM-EC2-003", Production, eip, nil, false},
		{"instance with a public IP", "FM-EC2-003", Production, with(sqlHost, "associatePublicIpAddress", true), nil, true},
		{"elastic IP on an instance", "FM-EC2-003", Production, with(eip, "instance", Unknown), nil, true},
		{"elastic IP association", "FM-EC2-003", Production, res(TypeEIPAssociation, "production-vpn-eip", m{"allocationId": Unknown, "instanceId": Unknown}), nil, true},
		{"user data fetching its password", "FM-EC2-004", Production, sqlHost, nil, false},
		{"base64 user data without secrets", "FM-EC2-004", Production, launchTemplate, nil, false},
		{"user data unknown during preview", "FM-EC2-004", Production, with(sqlHost, "userData", Unknown), nil, false},
		{"user data with a literal password", "FM-EC2-004", Production, with(sqlHost, "userData", "<powershell>\n$SA_PASSWORD = 'Winter2024!'\n</powershell>"), nil, true},
		{"user data with a secret output", "FM-EC2-004", Production, with(sqlHost, "userData", Secret), nil, true},
		{"base64 user data with an access key", "FM-EC2-004", Production, with(launchTemplate, "userData", base64.StdEncoding.EncodeToString([]byte("export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"))), nil, true},
		{"user data with a private key", "FM-EC2-004", Production, with(sqlHost, "userData", "cat > /etc/wireguard/wg0.conf <<EOF\n[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\nEOF"), nil, true},
		{"monitored instance", "FM-EC2-005", Production, sqlHost, nil, false},
		{"unmonitored instance", "FM-EC2-005", Production, with(sqlHost, "monitoring", nil), nil, true},

		{"scan on push", "FM-ECR-001", Production, repo, nil, false},
		{"no scan on push", "FM-ECR-001", Production, with(repo, "imageScanningConfiguration", nil), nil, true},
		{"immutable in production", "FM-ECR-002", Production, repo, nil, false},
		{"mutable in dev", "FM-ECR-002", Dev, with(repo, "imageTagMutability", "MUTABLE"), nil, false},
		{"mutable in production", "FM-ECR-002", Production, with(repo, "imageTagMutability", "MUTABLE"), nil, true},
		{"kms encrypted", "FM-ECR-003", Production, repo, nil, false},
		{"aes256 encrypted", "FM-ECR-003", Production, with(repo, "encryptionConfigurations", l{m{"encryptionType": "AES256"}}), nil, true},
		{"default encryption", "FM-ECR-003", Production, with(repo, "encryptionConfigurations", nil), nil, true},
		{"lifecycle policy depends on the repository", "FM-ECR-004", Production, repo, []Resource{lifecycle}, false},
		{"no lifecycle policy", "FM-ECR-004", Production, repo, []Resource{res(TypeECRLifecyclePolicy, "production-checkout-lifecycle", m{"policy": `{"rules":[]}`, "repository": "checkout"}, urn(TypeECRRepository, "production-checkout"))}, true},
		{"push role only", "FM-ECR-005", Production, repoPolicy, nil, false},
		{"public pull", "FM-ECR-005", Production, with(repoPolicy, "policy", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage"]}]}`), nil, true},

		{"rotating key", "FM-KMS-001", Production, key, nil, false},
		{"asymmetric key cannot rotate", "FM-KMS-001", Production, with(with(key, "enableKeyRotation", nil), "customerMasterKeySpec", "RSA_2048"), nil, false},
		{"key without rotation", "FM-KMS-001", Production, with(key, "enableKeyRotation", false), nil, true},
		{"retention set", "FM-LOG-001", Production, logGroup, nil, false},
		{"retention unset", "FM-LOG-001", Production, with(logGroup, "retentionInDays", nil), nil, true},
		{"log group with a customer key", "FM-LOG-002", Production, logGroup, nil, false},
		{"log group key unknown during preview", "FM-LOG-002", Production, with(logGroup, "kmsKeyId", Unknown), nil, false},
		{"log group with the service key", "FM-LOG-002", Production, with(logGroup, "kmsKeyId", nil), nil, true},
		{"log group with an empty key", "FM-LOG-002", Production, with(logGroup, "kmsKeyId", ""), nil, true},

		{"private zone whose vpc logs its queries", "FM-DNS-001", Production, zone, []Resource{vpc, queryLog}, false},
		{"ids unknown during preview, same vpc", "FM-DNS-001", Production, with(zone, "vpcs", l{m{"vpcId": Unknown}}), []Resource{vpc, with(queryLog, "resourceId", Unknown)}, false},
		{"public zone", "FM-DNS-001", Production, with(zone, "vpcs", nil), nil, false},
		{"private zone without query logging", "FM-DNS-001", Production, zone, []Resource{vpc}, true},
		{"query logging on another vpc", "FM-DNS-001", Production, zone, []Resource{vpc, with(queryLog, "resourceId", "vpc-0other")}, true},
		{"association without a configuration", "FM-DNS-001", Production, zone, []Resource{vpc, with(queryLog, "resolverQueryLogConfigId", "")}, true},
		{"second vpc of the zone not logged", "FM-DNS-001", Production, with(zone, "vpcs", l{m{"vpcId": "vpc-bbfb53b9c8a391d3e"}, m{"vpcId": "vpc-0peer"}}), []Resource{vpc, queryLog}, true},

		{"scoped role policy", "FM-IAM-001", Production, rolePolicy, nil, false},
		{"policy unknown during preview", "FM-IAM-001", Production, with(rolePolicy, "policy", Unknown), nil, false},
		{"admin policy", "FM-IAM-001", Production, adminPolicy, nil, true},
		{"service wildcard", "FM-IAM-001", Production, res(TypeIAMPolicy, "p", m{"policy": `{"Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":["arn:aws:s3:::b"]}]}`}), nil, true},
		{"wildcard denied is fine", "FM-IAM-001", Production, res(TypeIAMPolicy, "p", m{"policy": `{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`}), nil, false},
		{"read on star", "FM-IAM-002", Production, res(TypeIAMPolicy, "p", m{"policy": `{"Statement":[{"Effect":"Allow","Action":["ec2:DescribeVpcs","ecr:GetAuthorizationToken"],"Resource":"*"}]}`}), nil, false},
		{"write on star under a tag condition", "FM-IAM-002", Production, res(TypeIAMPolicy, "p", m{"policy": `{"Statement":[{"Effect":"Allow","Action":["elasticloadbalancing:DeleteLoadBalancer"],"Resource":"*","Condition":{"Null":{"aws:ResourceTag/elbv2.k8s.aws/cluster":"false"}}}]}`}), nil, false},
		{"write on star", "FM-IAM-002", Production, res(TypeIAMRolePolicy, "p", m{"policy": `{"Statement":[{"Sid":"Oops","Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":["*"]}]}`}), nil, true},

		{"pinned chart", "FM-K8S-001", Production, release, nil, false},
		{"unpinned chart", "FM-K8S-001", Production, with(release, "version", nil), nil, true},
		{"chart range", "FM-K8S-001", Production, with(release, "version", "^8.1.0"), nil, true},
		{"chart wildcard", "FM-K8S-001", Production, with(release, "version", "8.x"), nil, true},

		{"dns validation", "FM-ACM-001", Production, cert, nil, false},
		{"email validation", "FM-ACM-001", Production, with(cert, "validationMethod", "EMAIL"), nil, true},
		{"transparency logging", "FM-ACM-002", Production, cert, nil, false},
		{"transparency logging off", "FM-ACM-002", Production, with(cert, "options.certificateTransparencyLoggingPreference", "DISABLED"), nil, true},
		{"validation record not proxied", "FM-CF-001", Production, record, nil, false},
		{"proxied host record", "FM-CF-001", Production, with(with(record, "name", "shop.example.com"), "proxied", true), nil, false},
		{"proxied validation record", "FM-CF-001", Production, with(record, "proxied", true), nil, true},
		{"secret with a customer key", "FM-SM-001", Production, secret, nil, false},
		{"secret with the aws managed key", "FM-SM-001", Production, with(secret, "kmsKeyId", nil), nil, true},

		{"protected repository in production", "FM-PROT-001", Production, protected(repo), nil, false},
		{"unprotected repository in dev", "FM-PROT-001", Dev, repo, nil, false},
		{"vpn host is not stateful", "FM-PROT-001", Production, res(TypeInstance, "production-vpn", m{"tags": m{"Name": "production-vpn"}}), nil, false},
		{"unprotected repository in production", "FM-PROT-001", Production, repo, nil, true},
		{"unprotected sql server host in production", "FM-PROT-001", Production, sqlHost, nil, true},
		{"unprotected instance with a data volume", "FM-PROT-001", Production, res(TypeInstance, "production-app", m{}), []Resource{res(TypeVolumeAttachment, "production-app-data", m{"deviceName": "/dev/sdf"}, urn(TypeInstance, "production-app"))}, true},
		{"unprotected cluster, key, volume, secret, certificate", "FM-PROT-001", Production, cert, nil, true},
	}, dataRuleCases()...)
}

func TestRules(t *testing.T) {
	for _, c := range ruleCases() {
		t.Run(c.policy+"/"+c.name, func(t *testing.T) {
			rule, ok := Lookup(c.policy)
			if !ok {
				t.Fatalf("no rule %s", c.policy)
			}
			if !rule.AppliesTo(c.r.Type) {
				t.Fatalf("%s does not apply to %s", c.policy, c.r.Type)
			}
			all := append([]Resource{c.r}, c.others...)
			vs := EvaluateRules([]Rule{rule}, Context{Environment: c.env}, all)
			var mine []Violation
			for _, v := range vs {
				if v.URN == c.r.URN {
					mine = append(mine, v)
				}
			}
			if c.fail && len(mine) == 0 {
				t.Fatalf("want a violation, got none")
			}
			if !c.fail && len(mine) > 0 {
				t.Fatalf("want none, got %+v", mine)
			}
			for _, v := range mine {
				if v.Message == "" || strings.Contains(v.Message, "\n") || v.Enforcement != rule.Enforcement || v.Resource != c.r.Name {
					t.Errorf("malformed violation %+v", v)
				}
			}
		})
	}
}

// Every rule has at least one passing and one failing recorded resource.
func TestEveryRuleHasPassAndFailCases(t *testing.T) {
	pass, fail := map[string]bool{}, map[string]bool{}
	for _, c := range ruleCases() {
		if c.fail {
			fail[c.policy] = true
		} else {
			pass[c.policy] = true
		}
	}
	for _, r := range Rules {
		if !pass[r.ID] || !fail[r.ID] {
			t.Errorf("%s: pass case %v, fail case %v", r.ID, pass[r.ID], fail[r.ID])
		}
	}
}

// Rules are well formed: unique ids, one-line descriptions, known enforcement, mirrors.
func TestRuleCatalogue(t *testing.T) {
	if len(Rules) < 30 {
		t.Errorf("%d rules, want about 30", len(Rules))
	}
	seen := map[string]bool{}
	for i, r := range Rules {
		if seen[r.ID] {
			t.Errorf("duplicate id %s", r.ID)
		}
		seen[r.ID] = true
		if i > 0 && Rules[i-1].ID >= r.ID {
			t.Errorf("rules not sorted at %s", r.ID)
		}
		if r.Description == "" || strings.Contains(r.Description, "\n") || strings.HasSuffix(r.Description, ".") {
			t.Errorf("%s: description %q", r.ID, r.Description)
		}
		if r.Enforcement != Mandatory && r.Enforcement != Advisory {
			t.Errorf("%s: enforcement %q", r.ID, r.Enforcement)
		}
		if len(r.Mirrors) == 0 || r.Check == nil {
			t.Errorf("%s: no mirrors or no check", r.ID)
		}
	}
}

// No rule panics or fails on a resource with missing, unknown or oddly typed inputs.
func TestRulesTolerateMissingAndUnknownInputs(t *testing.T) {
	odd := []map[string]any{
		nil,
		{},
		{"vpcConfig": Unknown, "encryptionConfig": Unknown, "enabledClusterLogTypes": Unknown, "version": Unknown,
			"metadataOptions": Unknown, "rootBlockDevice": Unknown, "encrypted": Unknown, "userData": Unknown,
			"imageScanningConfiguration": Unknown, "imageTagMutability": Unknown, "encryptionConfigurations": Unknown,
			"enableKeyRotation": Unknown, "retentionInDays": Unknown, "policy": Unknown, "validationMethod": Unknown,
			"options": Unknown, "name": Unknown, "kmsKeyId": Unknown, "ingress": Unknown, "egress": Unknown,
			"description": Unknown, "cidrIpv4": Unknown, "fromPort": Unknown, "toPort": Unknown, "ipProtocol": Unknown,
			"mapPublicIpOnLaunch": Unknown, "blockDeviceMappings": Unknown, "ebsBlockDevices": Unknown, "monitoring": Unknown,
			"storageEncrypted": Unknown, "iamDatabaseAuthenticationEnabled": Unknown, "deletionProtection": Unknown, "multiAz": Unknown,
			"backupRetentionPeriod": Unknown, "transitEncryptionEnabled": Unknown, "atRestEncryptionEnabled": Unknown,
			"automaticFailoverEnabled": Unknown, "kmsMasterKeyId": Unknown, "redrivePolicy": Unknown, "tags": Unknown},
		{"vpcConfig": 3, "ingress": "x", "policy": "{not json", "blockDeviceMappings": l{1, "x", nil}, "ebsBlockDevices": m{"encrypted": true}},
	}
	for _, r := range Rules {
		for _, typ := range r.Types {
			for i, in := range odd {
				func() {
					defer func() {
						if p := recover(); p != nil {
							t.Errorf("%s on %s with inputs %d panicked: %v", r.ID, typ, i, p)
						}
					}()
					msgs := r.Check(Context{Environment: Production}, Resource{URN: "u", Type: typ, Name: "n", Inputs: in, Protect: true}, nil)
					if i == 2 && len(msgs) > 0 && r.ID != "FM-NET-001" && r.ID != "FM-NET-002" && r.ID != "FM-ECR-004" {
						t.Errorf("%s on %s fails on unknown inputs: %v", r.ID, typ, msgs)
					}
				}()
			}
		}
	}
}
