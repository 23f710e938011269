package config

// Key names as users set them (`pulumi config set <key> <value>`), namespaced by the project.
// Every key is declared, typed and described in Pulumi.yaml; a test keeps the two in step.
const (
	KeyEnvironment          = "environment"
	KeyRegion               = "region"
	KeyAccountID            = "accountId"
	KeyAssumeRoleARN        = "assumeRoleArn"
	KeyAssumeRoleExternalID = "assumeRoleExternalId" // secret
	KeyDomain               = "domain"
	KeyTags                 = "tags"

	// Network.
	KeyVPCCIDR              = "vpcCidr"
	KeyAvailabilityZones    = "availabilityZones"
	KeyNATStrategy          = "natStrategy"
	KeyNATEIPAllocationIDs  = "natEipAllocationIds"
	KeyDatabaseEgress       = "databaseEgress"
	KeyInterfaceEndpoints   = "interfaceEndpoints"
	KeyFlowLogRetentionDays = "flowLogRetentionDays"
	KeyPrivateZoneName      = "privateZoneName"
)

// keyType is the type a key has in Pulumi.yaml.
type keyType string

const (
	typeString  keyType = "string"
	typeInteger keyType = "integer"
	typeBoolean keyType = "boolean"
	typeArray   keyType = "array"
	typeObject  keyType = "object"
)

// keySpec describes one key: its Pulumi.yaml type and whether it must be set as a secret.
type keySpec struct {
	Name   string
	Type   keyType
	Secret bool
}

// Keys lists every project key the loader reads: the stack's own, then one list per component.
var Keys = concatKeys(coreKeys, networkKeys, clusterKeys, registryKeys, certificateKeys, addonsKeys, gitOpsKeys, alertingKeys, sqlServerKeys, vpnKeys, runnerKeys, waiverKeys)

func concatKeys(lists ...[]keySpec) []keySpec {
	var out []keySpec
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

var coreKeys = []keySpec{
	{KeyEnvironment, typeString, false},
	{KeyRegion, typeString, false},
	{KeyAccountID, typeString, false},
	{KeyAssumeRoleARN, typeString, false},
	{KeyAssumeRoleExternalID, typeString, false}, // read only as a secret; optional, so not typed secret (the CLI would require it)
	{KeyDomain, typeString, false},
	{KeyTags, typeObject, false},
}

func lookupKey(name string) (keySpec, bool) {
	for _, k := range Keys {
		if k.Name == name {
			return k, true
		}
	}
	return keySpec{}, false
}

// RequiredSecrets are the secret keys a stack cannot deploy without. Their values are set with
// `pulumi config set --secret` by whoever deploys and are never committed in plain text; an
// offline preview stands in for a missing one with OfflineSecrets. None today: cloudflareApiToken
// is optional (the Cloudflare provider reads CLOUDFLARE_API_TOKEN when it is unset).
var RequiredSecrets []string

// OfflineSecrets returns values with every required secret that is not set replaced by the secret
// placeholder, marked secret, and the keys it filled in: RequiredSecrets and the secrets the
// configuration's receivers and image write-back need (alerting, gitops). Only the offline preview uses it: a real
// deploy without the secret stops with an error naming the key.
func OfflineSecrets(project string, values map[string]string, secretKeys []string, placeholder string) (map[string]string, []string, []string) {
	out := make(map[string]string, len(values))
	for k, v := range values {
		out[k] = v
	}
	keys := append([]string(nil), secretKeys...)
	var filled []string
	for _, name := range append(append([]string(nil), RequiredSecrets...), conditionalSecrets(project, values)...) {
		full := project + ":" + name
		if _, ok := out[full]; ok {
			continue
		}
		out[full] = placeholder
		keys = append(keys, full)
		filled = append(filled, name)
	}
	return out, keys, filled
}
