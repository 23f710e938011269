package vpn

import (
	"crypto/ecdh"
	"encoding/base64"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/kmskey"
	"github.com/flowmart/platform/pkg/protect"
)

// keyBytes is the size of a WireGuard (Curve25519) key.
const keyBytes = 32

// encryptionKey uses KMSKeyARN or creates the gateway's own key, so the gateway depends on no
// other component. Nothing that names the account exists yet, so the key's policy is the one KMS
// writes itself, the platform's (kmskey): the account's IAM policies decide, and the instance
// role gets kms:Decrypt through Secrets Manager only (readKeyPolicy). No alias: nothing looks the
// key up by name, and an alias would be one more physical name.
func (g *VPNGateway) encryptionKey(ctx *pulumi.Context) error {
	if g.args.KMSKeyARN != nil {
		g.keyARN = g.args.KMSKeyARN.ToStringPtrOutput().Elem()
		return nil
	}
	name := g.name + "-key"
	key, err := kmskey.New(ctx, name, kmskey.Args{
		Description: "WireGuard VPN gateway " + g.name + ": its private-key secret and root volume",
		Tags:        g.tags(name),
	}, protect.Options(g.args.Protect, g.opts), nil)
	if err != nil {
		return err
	}
	g.keyARN = key.Arn
	return nil
}

// serverKey generates the server's private key and stores it in Secrets Manager, then computes the
// public key from it.
//
// The key is 32 random bytes: WireGuard clamps any 32 bytes into a valid Curve25519 private key,
// so no key tool has to run anywhere. Pulumi keeps the bytes encrypted in the state (a secret
// output). Secrets Manager rather than an SSM SecureString: it is where the platform keeps every
// generated secret, GetSecretValue is granted on this one ARN, reads are audited per secret in
// CloudTrail, deletion has a recovery window, and it is encrypted with the gateway's key.
func (g *VPNGateway) serverKey(ctx *pulumi.Context) error {
	name := g.name + "-private-key"
	var err error
	g.privateKey, err = random.NewRandomBytes(ctx, name, &random.RandomBytesArgs{
		Length: pulumi.Int(keyBytes),
	}, protect.Options(g.args.Protect, g.opts)...)
	if err != nil {
		return err
	}
	g.secret, err = secretsmanager.NewSecret(ctx, name, &secretsmanager.SecretArgs{
		Description: pulumi.String("WireGuard private key of VPN gateway " + g.name + " (base64), read by the host at boot"),
		KmsKeyId:    g.keyARN,
		Tags:        g.tags(name),
	}, protect.Options(g.args.Protect, g.opts)...)
	if err != nil {
		return err
	}
	// SecretString is a secret input: the SDK keeps it encrypted, the preview shows [secret]
	g.secretVersion, err = secretsmanager.NewSecretVersion(ctx, name, &secretsmanager.SecretVersionArgs{
		SecretId:     g.secret.ID(),
		SecretString: g.privateKey.Base64,
	}, g.opts...)
	if err != nil {
		return err
	}
	pub := g.privateKey.Base64.ApplyT(PublicKey).(pulumi.StringOutput)
	// a public key reveals nothing of the private one: it is an ordinary output clients can read
	g.ServerPublicKey = pulumi.Unsecret(pub).(pulumi.StringOutput)
	return nil
}

// PublicKey returns the WireGuard public key (base64) of a private key given as base64 of 32 bytes,
// as `wg pubkey` would print it. X25519 clamps the scalar, as WireGuard does, so any 32 bytes give
// the key WireGuard derives. The error never shows the private key.
func PublicKey(privateKeyBase64 string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(privateKeyBase64)
	if err != nil || len(b) != keyBytes {
		return "", fmt.Errorf("the private key is not base64 of %d bytes", keyBytes)
	}
	k, err := ecdh.X25519().NewPrivateKey(b)
	if err != nil {
		return "", fmt.Errorf("the private key is not an X25519 key")
	}
	return base64.StdEncoding.EncodeToString(k.PublicKey().Bytes()), nil
}
