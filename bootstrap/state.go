package main

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/tags"
)

// stateBucket is the S3 bucket of the Pulumi state and its KMS key.
type stateBucket struct {
	Bucket *s3.BucketV2
	Key    *kms.Key
}

// BackendURL is what `pulumi login` takes for this bucket.
func backendURL(bucket, region string) string {
	return "s3://" + bucket + "?region=" + region + "&awssdk=v2"
}

// TLSOnlyPolicy denies every request to the bucket that is not over TLS 1.2 or later.
func TLSOnlyPolicy(bucketARN string) iampolicy.Document {
	resources := []string{bucketARN, bucketARN + "/*"}
	everyone := map[string]any{"AWS": "*"}
	return iampolicy.New(
		iampolicy.Statement{Sid: "DenyInsecureTransport", Effect: "Deny", Principal: everyone, Action: []string{"s3:*"}, Resource: resources,
			Condition: map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}},
		iampolicy.Statement{Sid: "DenyOutdatedTLS", Effect: "Deny", Principal: everyone, Action: []string{"s3:*"}, Resource: resources,
			Condition: map[string]any{"NumericLessThan": map[string]any{"s3:TlsVersion": "1.2"}}},
	)
}

// newStateBucket creates the key and the bucket. Both are always protected: losing either loses
// every stack's state. Children are named prefix+"-state[-...]".
func newStateBucket(ctx *pulumi.Context, c *config, opts []pulumi.ResourceOption) (*stateBucket, error) {
	name := c.NamePrefix + "-state"
	protected := append(append([]pulumi.ResourceOption(nil), opts...), pulumi.Protect(true))

	key, err := kms.NewKey(ctx, name+"-key", &kms.KeyArgs{
		Description:          pulumi.String("Encrypts the Pulumi state in " + c.StateBucketName),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(30),
		Tags:                 tags.Named(nil, name+"-key"),
	}, protected...)
	if err != nil {
		return nil, err
	}
	if _, err := kms.NewAlias(ctx, name+"-key", &kms.AliasArgs{
		Name:        pulumi.String("alias/" + c.NamePrefix + "-pulumi-state"),
		TargetKeyId: key.KeyId,
	}, opts...); err != nil {
		return nil, err
	}

	bucket, err := s3.NewBucketV2(ctx, name, &s3.BucketV2Args{
		Bucket:       pulumi.String(c.StateBucketName),
		ForceDestroy: pulumi.Bool(false),
		Tags:         tags.Named(nil, c.StateBucketName),
	}, protected...)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketOwnershipControls(ctx, name, &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.Bucket,
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, opts...); err != nil {
		return nil, err
	}
	access, err := s3.NewBucketPublicAccessBlock(ctx, name, &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket.Bucket,
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, opts...)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketVersioningV2(ctx, name, &s3.BucketVersioningV2Args{
		Bucket:                  bucket.Bucket,
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, opts...); err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.Bucket,
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{
			&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
				ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
					SseAlgorithm:   pulumi.String("aws:kms"),
					KmsMasterKeyId: key.Arn,
				},
				BucketKeyEnabled: pulumi.Bool(true),
			},
		},
	}, opts...); err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, name, &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.Bucket,
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{
			&s3.BucketLifecycleConfigurationV2RuleArgs{
				Id:     pulumi.String("expire-old-state-versions"),
				Status: pulumi.String("Enabled"),
				Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
				NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
					NoncurrentDays: pulumi.Int(c.NoncurrentDays),
				},
				AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
					DaysAfterInitiation: pulumi.Int(7),
				},
			},
		},
	}, opts...); err != nil {
		return nil, err
	}
	// After the public access block, which S3 checks every bucket policy against.
	if _, err := s3.NewBucketPolicy(ctx, name, &s3.BucketPolicyArgs{
		Bucket: bucket.Bucket,
		Policy: iampolicy.Render(func(v []string) iampolicy.Document { return TLSOnlyPolicy(v[0]) }, bucket.Arn),
	}, append(append([]pulumi.ResourceOption(nil), opts...), pulumi.DependsOn([]pulumi.Resource{access}))...); err != nil {
		return nil, err
	}
	return &stateBucket{Bucket: bucket, Key: key}, nil
}
