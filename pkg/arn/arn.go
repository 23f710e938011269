// Package arn parses Amazon Resource Names, so that no component splits one on ":" by hand.
//
// The format is the one the IAM User Guide gives in "Identify AWS resources with Amazon Resource
// Names (ARNs)" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html):
//
//	arn:partition:service:region:account-id:resource-id
//	arn:partition:service:region:account-id:resource-type/resource-id
//	arn:partition:service:region:account-id:resource-type:resource-id
//
// where some resources omit the region, the account id, or both (IAM and S3 ARNs, for example).
package arn

import (
	"fmt"
	"strings"
)

// ARN is a parsed Amazon Resource Name.
type ARN struct {
	Partition string // aws, aws-cn, aws-us-gov, ...
	Service   string // the service namespace: iam, kms, secretsmanager, ...
	Region    string // empty for global resources (IAM, S3 buckets)
	AccountID string // 12 digits, "aws" for AWS managed resources, or empty (S3 buckets)
	Resource  string // everything after the account id, colons included
}

// Parse parses s. The partition, service and resource are required; the region and account may
// be empty. An account id is 12 digits, or "aws" for AWS managed resources
// (arn:aws:iam::aws:policy/ReadOnlyAccess).
func Parse(s string) (ARN, error) {
	p := strings.SplitN(s, ":", 6)
	if len(p) != 6 || p[0] != "arn" {
		return ARN{}, fmt.Errorf("%q is not an ARN (want arn:partition:service:region:account-id:resource)", s)
	}
	a := ARN{Partition: p[1], Service: p[2], Region: p[3], AccountID: p[4], Resource: p[5]}
	switch {
	case !strings.HasPrefix(a.Partition, "aws"):
		return ARN{}, fmt.Errorf("ARN %q: partition %q is not an AWS partition (aws, aws-cn, aws-us-gov, ...)", s, a.Partition)
	case a.Service == "":
		return ARN{}, fmt.Errorf("ARN %q has no service", s)
	case a.AccountID != "" && a.AccountID != "aws" && !isAccountID(a.AccountID):
		return ARN{}, fmt.Errorf("ARN %q: account %q is not 12 digits", s, a.AccountID)
	case a.Resource == "":
		return ARN{}, fmt.Errorf("ARN %q has no resource", s)
	}
	return a, nil
}

// Region returns the region of the ARN s, or "" when s is not an ARN or names no region.
func Region(s string) string {
	a, err := Parse(s)
	if err != nil {
		return ""
	}
	return a.Region
}

// String renders the ARN.
func (a ARN) String() string {
	return strings.Join([]string{"arn", a.Partition, a.Service, a.Region, a.AccountID, a.Resource}, ":")
}

// ResourceType is what stands before the first "/" or ":" of the resource ("role" of role/x,
// "secret" of secret:x), or "" when the resource has neither (an SNS topic, an S3 bucket). S3
// object ARNs have no type: for them it is the bucket.
func (a ARN) ResourceType() string {
	if i := strings.IndexAny(a.Resource, "/:"); i >= 0 {
		return a.Resource[:i]
	}
	return ""
}

// AccountRoot is the ARN of the root principal of the ARN's account
// (arn:<partition>:iam::<account>:root), the principal a key policy names to let the account's
// IAM policies decide who uses a key. It is meaningful for an ARN of a 12-digit account only.
func (a ARN) AccountRoot() string {
	return ARN{Partition: a.Partition, Service: "iam", AccountID: a.AccountID, Resource: "root"}.String()
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
