package vpn

import (
	"fmt"
	"net/netip"
)

// privateKeyPlaceholder stands where a client's own private key goes in ClientConfig: obviously
// not a key (no policy pattern takes it for one, and wg-quick refuses it until it is replaced).
const privateKeyPlaceholder = "<your private key>"

// clientConfig is the clients' configuration template for a gateway named name with validated
// args, its server's public key and its endpoint (<public ip>:<port>). Split tunnel: only the VPC
// and the client range go through the tunnel, and DNS goes to the host's forwarder on its tunnel
// address (inside the client range), which resolves the private zone and the EKS private
// endpoint through the VPC resolver. It holds no private key, only placeholders for the client's
// own key and address.
func clientConfig(name string, a VPNGatewayArgs, serverPublicKey, endpoint, vpcCIDR string) (string, error) {
	vpc, err := checkClientCIDR(netip.MustParsePrefix(a.ClientCIDR), vpcCIDR) // ClientCIDR is validated
	if err != nil {
		return "", fmt.Errorf("vpn gateway %q: %w", name, err)
	}
	return fmt.Sprintf(`# WireGuard client of VPN gateway %[1]s: a template. Replace the two <...> values with your
# own private key (wg genkey; it never leaves your machine) and the allowedIp of your peer entry.
[Interface]
PrivateKey = %[2]s
Address = <your allowedIp>
DNS = %[3]s

[Peer]
PublicKey = %[4]s
Endpoint = %[5]s
AllowedIPs = %[6]s, %[7]s
PersistentKeepalive = 25
`, name, privateKeyPlaceholder, serverIP(a.ClientCIDR), serverPublicKey, endpoint, vpc, a.ClientCIDR), nil
}
