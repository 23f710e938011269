package vpn

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// maxPeersBytes is the largest value of a Standard SSM parameter (4 KB): about 35 peers with short
// names.
const maxPeersBytes = 4096

// gatewayNameRe is what a gateway's name and NamePrefix may hold: the name is written into the
// host's scripts, the NamePrefix too, and it is a segment of the peers' parameter name
// (/<NamePrefix>/wireguard/peers unless PeersParameterName says otherwise).
var gatewayNameRe = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// peersParameterName is the default SSM parameter that holds the peers of the gateway whose
// NamePrefix is prefix.
func peersParameterName(prefix string) string {
	return "/" + prefix + "/wireguard/peers"
}

// peersParameter is the peers' parameter of the gateway called name with args a:
// PeersParameterName, or the default under its NamePrefix.
func peersParameter(name string, a VPNGatewayArgs) string {
	if a.PeersParameterName != "" {
		return a.PeersParameterName
	}
	return peersParameterName(namePrefix(name, a))
}

// namePrefix is the NamePrefix of a gateway called name with args a: a.NamePrefix, which the
// constructor always sets, or the name (its default) for Args that did not come through it.
func namePrefix(name string, a VPNGatewayArgs) string {
	if a.NamePrefix != "" {
		return a.NamePrefix
	}
	return name
}

// peersConf is the peers' section of the server's configuration, as stored in the parameter and
// written to /etc/wireguard/peers.conf: one [Peer] block per peer, public keys and tunnel
// addresses only, no secret. It always starts with a comment line, so it is never empty (an SSM
// parameter cannot be) and a server without peers still applies it.
func peersConf(peers []Peer) string {
	var b strings.Builder
	b.WriteString("# WireGuard peers, written by Pulumi (components/vpn): public keys and tunnel addresses, no secret.\n")
	for _, p := range peers {
		fmt.Fprintf(&b, "\n[Peer]\n# %s\nPublicKey = %s\nAllowedIPs = %s\n", p.Name, p.PublicKey, p.AllowedIP)
	}
	return b.String()
}

// peersParameter stores the peers' section in SSM (a String: public keys are not secret, so a
// preview shows which peers change). The host reads it every minute and applies it live, so a
// change of peers updates this parameter and nothing else.
func (g *VPNGateway) peersParameter(ctx *pulumi.Context) error {
	name := g.name + "-peers"
	var err error
	g.peers, err = ssm.NewParameter(ctx, name, &ssm.ParameterArgs{
		Name:          pulumi.String(peersParameter(g.name, g.args)),
		Description:   pulumi.String("WireGuard peers of VPN gateway " + g.name + " (public keys and tunnel addresses), applied by the host within a minute"),
		Type:          pulumi.String("String"),
		Tier:          pulumi.String("Standard"),
		InsecureValue: pulumi.String(peersConf(g.args.Peers)),
		Tags:          g.tags(name),
	}, g.opts...)
	return err
}
