package policy

import "strings"

// StatefulTypes are the resource types that hold state a deletion or replacement would lose:
// protected in production (FM-PROT-001) and guarded by `platform diff`. This is the one list.
// Instances count when they hold data (see Stateful); the guard treats every instance as stateful.
var StatefulTypes = []string{
	TypeEKSCluster,
	TypeKMSKey,
	TypeECRRepository,
	TypeInstance,
	TypeVolume,
	TypeSecret,
	TypeBackupVault,
	TypeCertificate,
	// the offerings: a database's data, a cache's data (its snapshots go with it), a queue's
	// messages
	TypeRDSInstance,
	TypeElastiCacheReplicationGroup,
	TypeSQSQueue,
}

// IsStatefulType reports whether a type is in StatefulTypes.
func IsStatefulType(typ string) bool { return contains(StatefulTypes, typ) }

// Stateful reports whether a resource holds state: a stateful type, and for an instance, one that
// is a SQL Server host (by name or tags) or has an EBS volume attached, for an SQS queue one of an
// offering (flowmart:data:Queue).
func Stateful(r Resource, all []Resource) bool {
	if !IsStatefulType(r.Type) {
		return false
	}
	if r.Type == TypeSQSQueue {
		return inOffering(r) // an offering's messages; a platform queue holds transient events
	}
	if r.Type != TypeInstance {
		return true
	}
	if sqlServer(r.Name) {
		return true
	}
	for _, v := range object(r.Inputs["tags"]) {
		if sqlServer(str(v)) {
			return true
		}
	}
	for _, a := range ofType(all, TypeVolumeAttachment) {
		if dependsOn(a, r.URN) {
			return true
		}
	}
	return false
}

func sqlServer(s string) bool {
	s = strings.ToLower(s)
	return strings.Contains(s, "sqlserver") || strings.Contains(s, "sql-server") || strings.Contains(s, "sql server") || strings.Contains(s, "mssql")
}

var protectionRules = []Rule{
	{
		ID:          "FM-PROT-001",
		Description: "stateful resources are protected in production",
		Enforcement: Mandatory,
		Mirrors:     []string{"seed 003: a routine change must not delete data"},
		Types:       StatefulTypes,
		Check: func(ctx Context, r Resource, all []Resource) []string {
			if !ctx.Production() || r.Protect || !Stateful(r, all) {
				return none
			}
			return []string{r.Type + " holds state and is not protected" + protectHint(r)}
		},
	},
}
