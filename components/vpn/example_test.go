package vpn_test

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/components/vpn"
	"github.com/flowmart/platform/pkg/preview"
)

// A WireGuard gateway reachable from one office network, with two peers, routing its clients into
// the private and database subnets and to the EKS API. The peers are in an SSM parameter, not in
// the host's user data, so changing them replaces nothing; clients get a configuration template
// whose DNS server is the gateway's forwarder.
func ExampleNewVPNGateway() {
	program := func(ctx *pulumi.Context) error {
		provider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
		if err != nil {
			return err
		}
		gw, err := vpn.NewVPNGateway(ctx, "prod-vpn", &vpn.VPNGatewayArgs{
			VPCID:        pulumi.String("vpc-0a1b2c3d4e5f60718"),
			VPCCIDR:      pulumi.String("10.30.0.0/16"),
			SubnetID:     pulumi.String("subnet-0a1b2c3d4e5f60718"),
			AMIID:        "ami-0a1b2c3d4e5f60718",
			ClientCIDR:   "172.16.30.0/24",
			AllowedCIDRs: []string{"198.51.100.0/24"},
			Peers: []vpn.Peer{
				{Name: "alice", PublicKey: "K9gGyX8OAK8aH8Myj6djqSaXI8jbj6xPk69x2xhtbpA=", AllowedIP: "172.16.30.2/32"},
				{Name: "bob", PublicKey: "gbY32PzSxtpjWeaWMROhFw3nleS3JbhNHgtM/Z7FjOk=", AllowedIP: "172.16.30.3/32"},
			},
			RouteTableIDs:          pulumi.StringArray{pulumi.String("rtb-private-a"), pulumi.String("rtb-database-a")},
			ClusterSecurityGroupID: pulumi.String("sg-0cluster"),
			Protect:                true,
		}, pulumi.Provider(provider))
		if err != nil {
			return err
		}
		ctx.Export("vpnEndpoint", gw.Endpoint)
		ctx.Export("vpnServerPublicKey", gw.ServerPublicKey)
		ctx.Export("vpnClientConfig", gw.ClientConfig)
		return nil
	}
	doc, err := preview.Run(program, preview.Options{Project: "example", Stack: "prod", Region: "eu-west-1", Account: "111122223333"})
	if err != nil {
		fmt.Println(err)
		return
	}
	host := doc.Get("aws:ec2/instance:Instance", "prod-vpn-host")
	fmt.Println(host.Name, host.Inputs["instanceType"], "sourceDestCheck:", host.Inputs["sourceDestCheck"], "ignoreChanges:", host.IgnoreChanges)
	peers := doc.Get("aws:ssm/parameter:Parameter", "prod-vpn-peers")
	fmt.Println(peers.Name, peers.Inputs["name"], "peers:", strings.Count(peers.Inputs["insecureValue"].(string), "[Peer]"),
		"in user data:", strings.Count(host.Inputs["userData"].(string), "[Peer]"), "userDataReplaceOnChange:", host.Inputs["userDataReplaceOnChange"])
	for _, r := range doc.Find("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
		fmt.Println(r.Name, r.Inputs["ipProtocol"], r.Inputs["fromPort"], "from", r.Inputs["cidrIpv4"])
	}
	for _, r := range doc.Find("aws:ec2/route:Route") {
		fmt.Println(r.Name, r.Inputs["routeTableId"], "->", r.Inputs["destinationCidrBlock"])
	}
	fmt.Println("secret value:", doc.Get("aws:secretsmanager/secretVersion:SecretVersion", "prod-vpn-private-key").Inputs["secretString"])
	fmt.Println("endpoint:", doc.Outputs["vpnEndpoint"])
	fmt.Println("server public key:", len(doc.Outputs["vpnServerPublicKey"].(string)), "characters")
	fmt.Print(strings.Replace(doc.Outputs["vpnClientConfig"].(string), doc.Outputs["vpnServerPublicKey"].(string), "<server public key>", 1))
	// Output:
	// prod-vpn-host t3.small sourceDestCheck: false ignoreChanges: [ami rootBlockDevice.kmsKeyId]
	// prod-vpn-peers /prod-vpn/wireguard/peers peers: 2 in user data: 0 userDataReplaceOnChange: false
	// prod-vpn-wireguard-0 udp 51820 from 198.51.100.0/24
	// prod-vpn-cluster-api tcp 443 from 172.16.30.0/24
	// prod-vpn-route-0 rtb-private-a -> 172.16.30.0/24
	// prod-vpn-route-1 rtb-database-a -> 172.16.30.0/24
	// secret value: [secret]
	// endpoint: 203.0.113.169:51820
	// server public key: 44 characters
	// # WireGuard client of VPN gateway prod-vpn: a template. Replace the two <...> values with your
	// # own private key (wg genkey; it never leaves your machine) and the allowedIp of your peer entry.
	// [Interface]
	// PrivateKey = <your private key>
	// Address = <your allowedIp>
	// DNS = 172.16.30.1
	//
	// [Peer]
	// PublicKey = <server public key>
	// Endpoint = 203.0.113.169:51820
	// AllowedIPs = 10.30.0.0/16, 172.16.30.0/24
	// PersistentKeepalive = 25
}
