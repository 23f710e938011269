// Package mocks answers a Pulumi program's resources and lookups as AWS (and the Kubernetes,
// Cloudflare and random providers) would, offline, for tests and previews: it is the monitor
// behind the offline preview (pkg/preview) and the one to use when testing a program that imports
// the components.
//
// *Mocks implements pulumi.MockResourceMonitor, so it is used directly with the SDK:
//
//	m := mocks.New("eu-west-1", "111122223333")
//	err := pulumi.RunErr(program, pulumi.WithMocks("shop", "dev", m))
//
// Every resource gets the realistic, deterministic computed outputs of its type: EC2 ids such as
// vpc-0123456789abcdef0 (the prefix and 17 hex digits), ARNs in the mocks' region and account
// (arn:aws:service:region:account:resource), endpoints (EKS, VPC endpoints, ECR repository URLs,
// the load balancer host of a LoadBalancer Service), Kubernetes ids (namespace/name), secret
// random passwords (Password) and bytes (RandomBytes). Every value derives from the resource's
// URN, so the same program always gets the same answers and two resources never share an id. A
// type without an entry gets an id of its name and a generic ARN. The inputs are returned with
// the outputs (state = inputs + computed outputs), as a provider does.
//
// Lookups (invokes): aws:index/getCallerIdentity, getRegion and getPartition are answered from
// the region and account; any other fails with an error wrapping ErrNoAnswer, so that nothing
// depends on a live lookup.
//
// # Reusing the mocks in your own
//
// A test with needs of its own (a lookup of its own, a type answered differently, recording)
// embeds *Mocks and overrides the method it needs, handing everything else back:
//
//	type teamMocks struct{ *mocks.Mocks }
//
//	func (m teamMocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
//		if args.Token == "aws:ec2/getAmi:getAmi" {
//			return resource.PropertyMap{"id": resource.NewProperty("ami-0123456789abcdef0")}, nil
//		}
//		return m.Mocks.Call(args)
//	}
//
// (see ExampleNew). A wrapper that only holds a pulumi.MockResourceMonitor works the same way.
//
// # Degraded answers
//
// Degraded wraps any monitor and answers worse than a provider would, in one of the Modes:
// Empty (no id, no state), NoOutputs (no computed output) or UnknownOutputs (computed outputs
// and id unknown, as in the preview of a create). A component must survive every one of them,
// with DryRun true and false, returning either nil or an error and never panicking. Run runs a
// program under a monitor with DryRun as given and turns a panic into a test failure: the
// components' fuzz targets (FuzzNew<Component>) and degraded tests are built on the two.
package mocks
