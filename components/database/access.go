package database

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/arn"
	"github.com/flowmart/platform/pkg/iampolicy"
)

// ConnectAction is the only action the service gets: connecting as its IAM database user
// (Service Authorization Reference, "Actions, resources, and condition keys for Amazon RDS IAM
// Authentication": action connect of service prefix rds-db, resource type db-user,
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonrdsiamauthentication.html).
const ConnectAction = "rds-db:connect"

// DBUserARN is the db-user resource of IAM database authentication,
// arn:<partition>:rds-db:<region>:<account>:dbuser:<DbiResourceId>/<user> (the resource type
// db-user of the Service Authorization Reference, and "Creating and using an IAM policy for IAM
// database access", Amazon RDS User Guide,
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html:
// the resource names the instance's resource id, db-ABCDEFGHIJKL01234, not its identifier).
func DBUserARN(partition, region, account, resourceID, user string) string {
	return arn.ARN{Partition: partition, Service: "rds-db", Region: region, AccountID: account,
		Resource: "dbuser:" + resourceID + "/" + user}.String()
}

// ConnectStatements are the statements of the service's Pod Identity role for a database whose
// primary has the ARN instanceARN (arn:<partition>:rds:<region>:<account>:db:<identifier>, from
// which the partition, region and account come) and the resource id resourceID: rds-db:connect
// as user, and nothing else. The master user secret is never given to the service.
func ConnectStatements(instanceARN, resourceID, user string) ([]iampolicy.Statement, error) {
	a, err := arn.Parse(instanceARN)
	if err != nil || a.Service != "rds" || a.Region == "" || len(a.AccountID) != 12 {
		return nil, fmt.Errorf("%q is not an RDS DB instance ARN (want arn:aws:rds:<region>:<account>:db:<identifier>)", instanceARN)
	}
	if resourceID == "" || user == "" {
		return nil, fmt.Errorf("the database's resource id %q and user %q are both needed", resourceID, user)
	}
	return []iampolicy.Statement{
		iampolicy.Allow("ConnectAsServiceUser", []string{ConnectAction}, DBUserARN(a.Partition, a.Region, a.AccountID, resourceID, user)),
	}, nil
}

// AccessStatements are ConnectStatements of this database once its ARN and resource id are
// known: an Output of []iampolicy.Statement for the service's Pod Identity role.
func (d *Database) AccessStatements() pulumi.AnyOutput {
	return pulumi.All(d.ARN, d.ResourceID, d.IAMUsername).ApplyT(func(v []any) ([]iampolicy.Statement, error) {
		return ConnectStatements(v[0].(string), v[1].(string), v[2].(string))
	}).(pulumi.AnyOutput)
}

// AccessPolicy is the policy document of AccessStatements, as JSON.
func (d *Database) AccessPolicy() pulumi.StringOutput {
	return d.AccessStatements().ApplyT(func(v any) string {
		return iampolicy.New(v.([]iampolicy.Statement)...).String()
	}).(pulumi.StringOutput)
}
