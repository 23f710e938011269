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
var Keys = concatKeys(coreKeys, networkKeys, registryKeys, certificateKeys)

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
	{KeyAssumeRoleExternalID, typeString, true},
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
