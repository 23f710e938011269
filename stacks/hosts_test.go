package stacks

import (
	"fmt"
	"strings"
	"testing"

	"github.com/flowmart/platform/pkg/preview"
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
