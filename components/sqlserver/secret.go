package sqlserver

import (
	"encoding/json"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/protect"
)

// PasswordSpecials are the special characters of the sa password: none of them needs escaping in a
// T-SQL N'...' literal, a PowerShell string or an ODBC connection string (no quotes, $, `, ;, {}, []).
const PasswordSpecials = "!#%*+-.?_~"

// SecretUsername is the login stored in the secret.
const SecretUsername = "sa"

// adminPassword generates the sa password and stores it in a KMS-encrypted Secrets Manager secret
// as {"username":"sa","password":...}. The password only ever travels as a secret output; the host
// reads it at boot through its role.
func (h *SQLServerHost) adminPassword(ctx *pulumi.Context) error {
	pw, err := random.NewRandomPassword(ctx, h.name+"-sa-password", &random.RandomPasswordArgs{
		Length:          pulumi.Int(32),
		Special:         pulumi.Bool(true),
		OverrideSpecial: pulumi.String(PasswordSpecials),
		MinLower:        pulumi.Int(1),
		MinUpper:        pulumi.Int(1),
		MinNumeric:      pulumi.Int(1),
		MinSpecial:      pulumi.Int(1),
	}, h.opts...)
	if err != nil {
		return err
	}
	name := h.name + "-sa"
	h.secret, err = secretsmanager.NewSecret(ctx, name, &secretsmanager.SecretArgs{
		Description:          pulumi.String("sa login of SQL Server host " + h.name),
		KmsKeyId:             h.keyARN,
		RecoveryWindowInDays: pulumi.Int(h.args.SecretRecoveryWindowDays),
		Tags:                 h.tags(name),
	}, protect.Options(h.args.Protect, h.opts)...)
	if err != nil {
		return err
	}
	value := pulumi.ToSecret(pw.Result.ApplyT(secretJSON)).(pulumi.StringOutput)
	h.secretVersion, err = secretsmanager.NewSecretVersion(ctx, name, &secretsmanager.SecretVersionArgs{
		SecretId:     h.secret.ID(),
		SecretString: value,
	}, h.opts...)
	return err
}

// secretJSON renders the secret's value.
func secretJSON(password string) (string, error) {
	// The secret's value is this password: it goes only into the secret version.
	b, err := json.Marshal(struct { //nolint:gosec // G117: the password is the secret's value, stored only in Secrets Manager
		Username string `json:"username"`
		Password string `json:"password"`
	}{SecretUsername, password})
	return string(b), err
}
