package service

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
)

// Kinds of the resources a service owns.
const (
	KindDatabase = "database"
	KindCache    = "cache"
	KindQueue    = "queue"
)

// Kinds lists the allowed Resource kinds.
var Kinds = []string{KindDatabase, KindCache, KindQueue}

// Attribute keys every discovery instance and ConfigMap entry carries.
const (
	AttrKind      = "kind"
	AttrEndpoint  = "endpoint"
	AttrPort      = "port"
	AttrSecretARN = "secretArn"
	AttrARN       = "arn"
	AttrOwner     = "owner"
)

// Cloud Map limits of an instance's custom attributes (AWS Cloud Map API Reference,
// RegisterInstance, https://docs.aws.amazon.com/cloud-map/latest/api/API_RegisterInstance.html,
// and ServiceAttributes, API_ServiceAttributes.html): at most 30 attributes, keys of at most 255
// characters, values of at most 1,024; keys starting AWS_ are Cloud Map's own (AWS_INSTANCE_IPV4,
// AWS_INIT_HEALTH_STATUS, ...) and none is needed in an HTTP namespace, which registers no DNS
// record. An instance id is at most 64 characters (API_Instance.html).
const (
	MaxAttributes     = 30
	MaxAttributeKey   = 255
	MaxInstanceIDSize = 64
)

// Resource is one resource the service owns (a database, a cache, a queue), registered in the
// environment's Cloud Map namespace as the service <NamePrefix><Service>-<Name> with one instance
// whose attributes are Attributes plus kind, endpoint, port, secretArn (when set), arn and owner.
type Resource struct {
	// Name is the resource's name within the service: "database", "cache", "queue-orders". Required,
	// a DNS label.
	Name string
	// Kind is one of Kinds. Required.
	Kind string
	// Endpoint is the host name (or, for a queue, its URL) applications connect to. Required.
	Endpoint pulumi.StringInput
	// Port is the port, 0 for a queue. Required for a database and a cache.
	Port pulumi.IntInput
	// SecretARN is the secret the application reads (a cache's auth token); nil for none (a
	// database, whose users authenticate with IAM, a queue).
	SecretARN pulumi.StringInput
	// ARN is the resource's ARN. Required.
	ARN pulumi.StringInput
	// Attributes are more discovery attributes (readerEndpoint, deadLetterUrl, ...). Defaults to
	// none. Keys must not start with AWS_ nor repeat the attributes above.
	Attributes map[string]pulumi.StringInput
}

// ServiceArgs are a service's per-service platform pieces: its discovery entries and its Pod
// Identity role.
type ServiceArgs struct {
	// Service is the service's name (the manifest's name). Required, a DNS label.
	Service string
	// Owner is the owning team, tagged Owner and recorded in discovery. Required.
	Owner string
	// Namespace is the Kubernetes namespace of the service's pods. Defaults to Service.
	Namespace string
	// ServiceAccount is the Kubernetes service account of the pods the role is for. Defaults to
	// Service.
	ServiceAccount string
	// NamePrefix starts every physical name (the stacks pass "<stack>-"): the role
	// <NamePrefix><Service>-app, the discovery services <NamePrefix><Service>-<Resource.Name>.
	// Defaults to none.
	NamePrefix string
	// Tags are added to every resource, under Owner. Defaults to none.
	Tags map[string]string
	// ClusterName is the EKS cluster the Pod Identity association is made on. Required.
	ClusterName pulumi.StringInput
	// ClusterARN is that cluster's ARN: the role trusts its Pod Identity only. Required.
	ClusterARN pulumi.StringInput
	// DiscoveryNamespaceID is the Cloud Map HTTP namespace the resources are registered in.
	// Required when Resources is not empty.
	DiscoveryNamespaceID pulumi.StringInput
	// Resources are the service's resources, each registered for discovery. Defaults to none.
	Resources []Resource
	// AccessPolicy is the role's only inline policy, a policy document (JSON): exactly the
	// resources' access statements (Policy builds it). Defaults to no inline policy (a role that
	// can do nothing, for a service without resources).
	AccessPolicy pulumi.StringInput
}

func (a *ServiceArgs) withDefaults() ServiceArgs {
	c := *a
	if c.Namespace == "" {
		c.Namespace = c.Service
	}
	if c.ServiceAccount == "" {
		c.ServiceAccount = c.Service
	}
	c.Tags = maps.Clone(c.Tags)
	c.Resources = slices.Clone(c.Resources)
	return c
}

var (
	labelRe  = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	prefixRe = regexp.MustCompile(`^[a-zA-Z0-9-]*$`)
)

// reserved are the attribute keys the component sets itself.
var reserved = []string{AttrKind, AttrEndpoint, AttrPort, AttrSecretARN, AttrARN, AttrOwner}

// Validate checks the Args (after defaults); an error names the field.
func (a ServiceArgs) Validate() error {
	c := a.withDefaults()
	if !labelRe.MatchString(c.Service) || len(c.Service) > 63 {
		return fielderr.New("Service", "%q is not a DNS label (lower-case letters, digits and inner hyphens, at most 63 characters)", c.Service)
	}
	if strings.TrimSpace(c.Owner) == "" {
		return fielderr.New("Owner", "is empty: the owning team is required")
	}
	if !labelRe.MatchString(c.Namespace) || len(c.Namespace) > 63 {
		return fielderr.New("Namespace", "%q is not a Kubernetes namespace name (a DNS label)", c.Namespace)
	}
	if !labelRe.MatchString(c.ServiceAccount) || len(c.ServiceAccount) > 63 {
		return fielderr.New("ServiceAccount", "%q is not a Kubernetes service account name (a DNS label)", c.ServiceAccount)
	}
	if !prefixRe.MatchString(c.NamePrefix) {
		return fielderr.New("NamePrefix", "%q has characters other than letters, digits and -", c.NamePrefix)
	}
	// an IAM role name is at most 64 characters
	if role := c.roleName(); len(role) > 64 {
		return fielderr.New("NamePrefix", "%q makes the role name %s %d characters long (IAM allows 64)", c.NamePrefix, role, len(role))
	}
	if c.ClusterName == nil {
		return fielderr.New("ClusterName", "is required")
	}
	if c.ClusterARN == nil {
		return fielderr.New("ClusterARN", "is required")
	}
	if len(c.Resources) > 0 && c.DiscoveryNamespaceID == nil {
		return fielderr.New("DiscoveryNamespaceID", "is required: %d resources are registered in it", len(c.Resources))
	}
	seen := map[string]int{}
	for i, r := range c.Resources {
		if err := r.validate(); err != nil {
			return fielderr.In(fielderr.Index("Resources", i), err)
		}
		if j, dup := seen[r.Name]; dup {
			return fielderr.New(fielderr.Index("Resources", i)+".Name", "%q is already Resources[%d]'s", r.Name, j)
		}
		seen[r.Name] = i
		if id := c.discoveryName(r); len(id) > MaxInstanceIDSize {
			return fielderr.New(fielderr.Index("Resources", i)+".Name", "%q makes the discovery name %s %d characters long (Cloud Map allows %d)", r.Name, id, len(id), MaxInstanceIDSize)
		}
	}
	return nil
}

func (r Resource) validate() error {
	if !labelRe.MatchString(r.Name) || len(r.Name) > 63 {
		return fielderr.New("Name", "%q is not a DNS label", r.Name)
	}
	if !slices.Contains(Kinds, r.Kind) {
		return fielderr.New("Kind", "%q is not one of %s", r.Kind, strings.Join(Kinds, ", "))
	}
	if r.Endpoint == nil {
		return fielderr.New("Endpoint", "is required")
	}
	if r.ARN == nil {
		return fielderr.New("ARN", "is required")
	}
	if r.Kind != KindQueue && r.Port == nil {
		return fielderr.New("Port", "is required for a %s", r.Kind)
	}
	if n := len(r.Attributes) + len(reserved); n > MaxAttributes {
		return fielderr.New("Attributes", "%d attributes with the component's own %d (Cloud Map allows %d)", len(r.Attributes), len(reserved), MaxAttributes)
	}
	for _, k := range slices.Sorted(maps.Keys(r.Attributes)) {
		switch {
		case k == "" || len(k) > MaxAttributeKey:
			return fielderr.New("Attributes", "key %q is not 1 to %d characters", k, MaxAttributeKey)
		case strings.HasPrefix(k, "AWS_"):
			return fielderr.New("Attributes", "key %q starts with AWS_, which Cloud Map reserves", k)
		case slices.Contains(reserved, k):
			return fielderr.New("Attributes", "key %q is set by the component (%s)", k, strings.Join(reserved, ", "))
		case r.Attributes[k] == nil:
			return fielderr.New("Attributes", "key %q has no value", k)
		}
	}
	return nil
}

func (a ServiceArgs) roleName() string { return a.NamePrefix + a.Service + "-app" }

func (a ServiceArgs) discoveryName(r Resource) string {
	return fmt.Sprintf("%s%s-%s", a.NamePrefix, a.Service, r.Name)
}
