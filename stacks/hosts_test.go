package stacks

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/preview"
	"github.com/flowmart/platform/stacks/config"
)

// Every stack: a SQL Server host with at least data and log volumes attached, a backup plan and
// selection, its password in a Secrets Manager secret, a private hosted zone with its record, and a
// VPN host with an Elastic IP and a route from every private and database route table; the
// wiring between components (node SG, VPN range, zone) is the real one.
func TestHostsPerEnvironment(t *testing.T) {
	for _, env := range envs {
		doc, _ := previewJSON(t, env)
		get := func(typ, name string) *preview.Resource {
			t.Helper()
			r := doc.Get(typ, name)
			if r == nil {
				t.Fatalf("%s: no %s %s", env, typ, name)
			}
			return r
		}
		sql := get("aws:ec2/instance:Instance", env+"-sqlserver")
		for _, v := range []string{"data", "log"} {
			get("aws:ebs/volume:Volume", env+"-sqlserver-"+v)
			att := get("aws:ec2/volumeAttachment:VolumeAttachment", env+"-sqlserver-"+v)
			if !dependsOn(att, sql.URN) {
				t.Errorf("%s: %s volume is not attached to the SQL Server host", env, v)
			}
		}
		get("aws:backup/plan:Plan", env+"-sqlserver-backup-plan")
		get("aws:backup/selection:Selection", env+"-sqlserver-backup-selection")
		get("aws:secretsmanager/secret:Secret", env+"-sqlserver-sa")
		zone := get("aws:route53/zone:Zone", env+"-private-zone")
		if zone.Inputs["name"] != env+".internal" {
			t.Errorf("%s: zone %v", env, zone.Inputs["name"])
		}
		rec := get("aws:route53/record:Record", env+"-sqlserver-dns")
		if rec.Inputs["name"] != "sqlserver."+env+".internal" || !dependsOn(rec, zone.URN) {
			t.Errorf("%s: sql record %v in zone %v", env, rec.Inputs["name"], rec.Dependencies)
		}
		if doc.Outputs["sqlServerEndpoint"] != "sqlserver."+env+".internal" || fmt.Sprint(doc.Outputs["sqlServerPort"]) != "1433" {
			t.Errorf("%s: sql outputs %v %v", env, doc.Outputs["sqlServerEndpoint"], doc.Outputs["sqlServerPort"])
		}

		// 1433 from the cluster's node security group and from the VPN range of this stack
		nodes := get("aws:ec2/securityGroup:SecurityGroup", env+"-nodes")
		fromNodes := get("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", env+"-sqlserver-sql-from-nodes")
		if !dependsOn(fromNodes, nodes.URN) {
			t.Errorf("%s: 1433 rule does not reference the node security group", env)
		}
		fromVPN := get("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", env+"-sqlserver-sql-from-vpn")
		if fromVPN.Inputs["cidrIpv4"] != doc.Outputs["vpnClientCidr"] {
			t.Errorf("%s: 1433 from %v, VPN range %v", env, fromVPN.Inputs["cidrIpv4"], doc.Outputs["vpnClientCidr"])
		}

		host := get("aws:ec2/instance:Instance", env+"-vpn-host")
		if id := fmt.Sprint(doc.Outputs["vpnInstanceId"]); !strings.HasPrefix(id, "i-") {
			t.Errorf("%s: vpnInstanceId output %v", env, doc.Outputs["vpnInstanceId"])
		}
		eip := get("aws:ec2/eip:Eip", env+"-vpn-eip")
		assoc := get("aws:ec2/eipAssociation:EipAssociation", env+"-vpn-eip")
		if !dependsOn(assoc, eip.URN) || !dependsOn(assoc, host.URN) {
			t.Errorf("%s: the Elastic IP is not associated with the VPN host", env)
		}
		azs := len(doc.Find("aws:ec2/subnet:Subnet")) / 3 // public, private and database per zone
		routes := 0
		for _, r := range doc.Find("aws:ec2/route:Route") {
			if strings.HasPrefix(r.Name, env+"-vpn-route-") {
				routes++
				if r.Inputs["destinationCidrBlock"] != doc.Outputs["vpnClientCidr"] {
					t.Errorf("%s: %s goes to %v", env, r.Name, r.Inputs["destinationCidrBlock"])
				}
			}
		}
		if routes != 2*azs {
			t.Errorf("%s: %d routes to the VPN range, want one per private and database route table (%d)", env, routes, 2*azs)
		}
		// VPN clients reach the interface endpoints (sts, ssm, logs, ecr...) on 443: a rule for the
		// client range on the endpoints' own group, beside the VPC's
		endpoints := get("aws:ec2/securityGroup:SecurityGroup", env+"-endpoints")
		fromClients := get("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", env+"-endpoints-https-client-0")
		if fromClients.Inputs["cidrIpv4"] != doc.Outputs["vpnClientCidr"] || fmt.Sprint(fromClients.Inputs["fromPort"]) != "443" ||
			fmt.Sprint(fromClients.Inputs["toPort"]) != "443" || fromClients.Inputs["ipProtocol"] != "tcp" || !dependsOn(fromClients, endpoints.URN) {
			t.Errorf("%s: endpoint rule for VPN clients %v (depends on %v), VPN range %v", env, fromClients.Inputs, fromClients.Dependencies, doc.Outputs["vpnClientCidr"])
		}
		if vpcRule := get("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", env+"-endpoints-https"); vpcRule.Inputs["cidrIpv4"] != doc.Outputs["vpcCidr"] {
			t.Errorf("%s: the VPC's endpoint rule changed: %v", env, vpcRule.Inputs)
		}

		// the gateway stands alone: its own key, its own recovery, nothing of the SQL Server host
		key := get("aws:kms/key:Key", env+"-vpn-key")
		for _, r := range []*preview.Resource{get("aws:secretsmanager/secret:Secret", env+"-vpn-private-key"), host} {
			if !dependsOn(r, key.URN) {
				t.Errorf("%s: %s is not on the gateway's key", env, r.Name)
			}
		}
		for _, name := range []string{env + "-vpn-recover", env + "-vpn-reboot"} {
			if a := get("aws:cloudwatch/metricAlarm:MetricAlarm", name); !dependsOn(a, host.URN) {
				t.Errorf("%s: %s is not on the VPN host", env, name)
			}
		}
		gw := get("flowmart:vpn:VPNGateway", env+"-vpn")
		for _, r := range doc.Children(gw.URN) {
			for _, d := range r.Dependencies {
				if strings.Contains(d, "sqlserver") {
					t.Errorf("%s: %s %s depends on %s", env, r.Type, r.Name, d)
				}
			}
		}
		if env == "production" && !key.Protect {
			t.Error("production VPN key is not protected")
		}

		api := get("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", env+"-vpn-cluster-api")
		if fmt.Sprint(api.Inputs["fromPort"]) != "443" || api.Inputs["cidrIpv4"] != doc.Outputs["vpnClientCidr"] {
			t.Errorf("%s: cluster API rule %v", env, api.Inputs)
		}
		if env == "production" {
			for _, r := range []*preview.Resource{sql, get("aws:ebs/volume:Volume", env+"-sqlserver-data"), get("aws:backup/vault:Vault", env+"-sqlserver-vault"), eip} {
				if !r.Protect {
					t.Errorf("production %s %s is not protected", r.Type, r.Name)
				}
			}
		}
	}
}

func dependsOn(r *preview.Resource, urn string) bool {
	for _, d := range r.Dependencies {
		if d == urn {
			return true
		}
	}
	return false
}

// The VPN without the SQL Server host: a program of the network, the cluster and the gateway only
// (the composition's own functions on each stack's configuration) builds a complete gateway, with
// its key, routes, endpoint access and cluster access, and no SQL Server resource at all.
func TestVPNWithoutSQLServer(t *testing.T) {
	for _, env := range envs {
		sf, err := preview.LoadStackFile("..", env, "")
		if err != nil {
			t.Fatal(err)
		}
		values, secretKeys, _ := config.OfflineSecrets(sf.Project, sf.Config, sf.SecretKeys, preview.Secret)
		doc, err := preview.Run(func(ctx *pulumi.Context) error {
			cfg, err := config.Load(ctx)
			if err != nil {
				return err
			}
			aws, err := awsProvider(ctx, cfg)
			if err != nil {
				return err
			}
			opts := []pulumi.ResourceOption{pulumi.Provider(aws)}
			net, err := newNetwork(ctx, cfg, opts)
			if err != nil {
				return err
			}
			cl, err := newCluster(ctx, cfg, net, opts)
			if err != nil {
				return err
			}
			gw, err := newVPN(ctx, cfg, net, cl, opts)
			if err != nil {
				return err
			}
			ctx.Export("vpnClientConfig", gw.ClientConfig)
			ctx.Export("vpnClientCidr", gw.ClientCIDR)
			return nil
		}, preview.Options{Project: sf.Project, Stack: env, Config: values, SecretKeys: secretKeys, Deploy: true})
		if err != nil {
			t.Fatalf("%s: the VPN without SQL Server: %v", env, err)
		}
		for _, r := range doc.Resources {
			if strings.Contains(r.Name, "sqlserver") {
				t.Errorf("%s: %s %s in a program without SQL Server", env, r.Type, r.Name)
			}
		}
		for _, w := range []struct{ typ, name string }{
			{"aws:kms/key:Key", env + "-vpn-key"},
			{"aws:secretsmanager/secret:Secret", env + "-vpn-private-key"},
			{"aws:ec2/instance:Instance", env + "-vpn-host"},
			{"aws:ec2/eipAssociation:EipAssociation", env + "-vpn-eip"},
			{"aws:ec2/route:Route", env + "-vpn-route-0"},
			{"aws:cloudwatch/metricAlarm:MetricAlarm", env + "-vpn-recover"},
			{"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", env + "-vpn-cluster-api"},
			{"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", env + "-endpoints-https-client-0"},
		} {
			if doc.Get(w.typ, w.name) == nil {
				t.Errorf("%s: no %s %s", env, w.typ, w.name)
			}
		}
		key := doc.Get("aws:kms/key:Key", env+"-vpn-key")
		secret := doc.Get("aws:secretsmanager/secret:Secret", env+"-vpn-private-key")
		if key == nil || secret == nil || !strings.HasPrefix(fmt.Sprint(secret.Inputs["kmsKeyId"]), "arn:aws:kms:") {
			t.Errorf("%s: the private key's secret is on %v", env, secret)
		}
		if cc, _ := doc.Outputs["vpnClientConfig"].(string); !strings.Contains(cc, "Endpoint = ") {
			t.Errorf("%s: client configuration %q", env, cc)
		}
	}
}
