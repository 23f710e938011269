package mocks

import (
	"fmt"
	"strings"
)

// databaseOutputs are the computed outputs of the Database offering's RDS types. The ARNs are
// those of the Service Authorization Reference's Amazon RDS resource types
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonrds.html):
// db arn:aws:rds:<region>:<account>:db:<identifier>, subgrp ...:subgrp:<name>, pg ...:pg:<name>.
// As in terraform-provider-aws, an instance's id is its identifier and a subnet or parameter
// group's its name.
//
// An instance's address is <identifier>.<12 characters>.<region>.rds.amazonaws.com (the
// characters are fixed per account and region: "Finding the connection information for an
// Amazon RDS DB instance", Amazon RDS User Guide, "mydb.123456789012.us-east-1.rds.amazonaws.com"
// style), endpoint address:port; its DbiResourceId is db- and 26 upper-case letters and digits
// (the resource of rds-db:connect); with manageMasterUserPassword the secret RDS creates is named
// rds!db-<uuid> ("Password management with Amazon RDS and AWS Secrets Manager", Amazon RDS User
// Guide, https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html), and
// Secrets Manager appends - and 6 characters to the name in its ARN. An instance without
// manageMasterUserPassword (a read replica) has no managed secret.
var databaseOutputs = map[string]outputFunc{
	"aws:rds/instance:Instance": func(m *Mocks, r *target, h string) (string, map[string]any) {
		id := strings.ToLower(autoIdentifier(r, h))
		port := 5432.0
		if p, ok := r.Inputs["port"].(float64); ok {
			port = p
		}
		zone := accountHash(m)
		address := fmt.Sprintf("%s.%s.%s.rds.amazonaws.com", id, zone, m.region)
		out := map[string]any{
			"identifier":        id,
			"address":           address,
			"endpoint":          fmt.Sprintf("%s:%d", address, int(port)),
			"port":              port,
			"arn":               fmt.Sprintf("arn:aws:rds:%s:%s:db:%s", m.region, m.account, id),
			"resourceId":        "db-" + strings.ToUpper(h[:26]),
			"hostedZoneId":      "Z29XKXDKYMONMX",
			"status":            "available",
			"masterUserSecrets": []any{},
		}
		if r.Inputs["manageMasterUserPassword"] == true {
			secretName := "rds!db-" + sqlserverUUID(h[26:])
			key, _ := r.Inputs["masterUserSecretKmsKeyId"].(string)
			out["masterUserSecrets"] = []any{map[string]any{
				"secretArn":    fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-%s", m.region, m.account, secretName, h[58:64]),
				"kmsKeyId":     key,
				"secretStatus": "active",
			}}
		}
		return id, out
	},
	"aws:rds/subnetGroup:SubnetGroup": func(m *Mocks, r *target, h string) (string, map[string]any) {
		name := strings.ToLower(autoName(r, h))
		return name, map[string]any{"name": name, "arn": fmt.Sprintf("arn:aws:rds:%s:%s:subgrp:%s", m.region, m.account, name)}
	},
	"aws:rds/parameterGroup:ParameterGroup": func(m *Mocks, r *target, h string) (string, map[string]any) {
		name := strings.ToLower(autoName(r, h))
		return name, map[string]any{"name": name, "arn": fmt.Sprintf("arn:aws:rds:%s:%s:pg:%s", m.region, m.account, name)}
	},
}

// autoIdentifier is the instance's identifier input, or the name Pulumi's auto-naming would give it.
func autoIdentifier(r *target, h string) string {
	if n, ok := r.Inputs["identifier"].(string); ok && n != "" && n != Unknown && n != Secret {
		return n
	}
	return r.Name + "-" + h[:7]
}

// accountHash is the 12 characters RDS puts in the host names of one account and region.
func accountHash(m *Mocks) string {
	return "c" + urnHash(m.account + "/" + m.region)[:11]
}
