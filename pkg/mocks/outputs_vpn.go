package mocks

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// vpnOutputs are the computed outputs of the vpn component's own resource types (the instance,
// secrets, parameters and Route 53 records are in hostOutputs).
var vpnOutputs = map[string]outputFunc{
	// Random bytes are secrets, as the provider marks them: they must never appear in a preview
	// document, and tests assert exactly that with RandomBytes. The id is "none", as the
	// provider's: an id is never secret.
	"random:index/randomBytes:RandomBytes": func(m *Mocks, r *target, h string) (string, map[string]any) {
		length := 32
		if n, ok := r.Inputs["length"].(float64); ok && n >= 1 {
			length = int(min(n, maxRandomBytes)) // an absurd length (or +Inf) must not exhaust memory
		}
		b := RandomBytes(r.URN, length)
		b64 := base64.StdEncoding.EncodeToString(b)
		return "none", map[string]any{
			"base64": resource.MakeSecret(resource.NewStringProperty(b64)),
			"hex":    resource.MakeSecret(resource.NewStringProperty(hex.EncodeToString(b))),
		}
	},
	// An association reports the address it gives and the interface and private address it
	// lands on, looked up from the Elastic IP and the instance it names.
	"aws:ec2/eipAssociation:EipAssociation": func(m *Mocks, r *target, h string) (string, map[string]any) {
		out := map[string]any{}
		if alloc, _ := r.Inputs["allocationId"].(string); alloc != "" {
			if eh := m.hashOf("aws:ec2/eip:Eip", alloc); eh != "" {
				out["publicIp"] = testNetIP("203.0.113", eh)
			}
		}
		if inst, _ := r.Inputs["instanceId"].(string); inst != "" {
			if ih := m.hashOf("aws:ec2/instance:Instance", inst); ih != "" {
				out["networkInterfaceId"] = "eni-" + ih[17:34]
				out["privateIpAddress"] = testNetIP("10.0.100", ih)
			}
		}
		return "eipassoc-" + h[:17], out
	},
}

// maxRandomBytes is the most bytes the mocks give one RandomBytes resource.
const maxRandomBytes = 1 << 16

// RandomBytes returns the bytes the mocks give the random.RandomBytes resource with a URN:
// deterministic, different for every resource, length bytes long.
func RandomBytes(urn string, length int) []byte {
	var out []byte
	for i := 0; len(out) < length; i++ {
		sum := sha256.Sum256([]byte(fmt.Sprintf("random-bytes/%d/%s", i, urn)))
		out = append(out, sum[:]...)
	}
	return out[:length]
}
