package certificate

import (
	"fmt"

	"github.com/pulumi/pulumi-cloudflare/sdk/v5/go/cloudflare"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/dnsname"
	"github.com/flowmart/platform/pkg/fielderr"
)

// dnsRecordsType is part of every URN: never rename without an alias.
const dnsRecordsType = "flowmart:certificate:DNSRecords"

// DNSRecord is one CNAME: a host name pointing at a target such as a load balancer's DNS name.
type DNSRecord struct {
	// Name is the host name, fully qualified (api.dev.shop.example.com). Required.
	Name string
	// Target is the CNAME target, e.g. a load balancer's DNS name. Required.
	Target pulumi.StringInput
	// Proxied sends traffic through Cloudflare's proxy (the TTL is then automatic). Defaults to
	// false: DNS only.
	Proxied bool
}

// DNSRecordsArgs configures DNSRecords.
type DNSRecordsArgs struct {
	// ZoneID is the Cloudflare zone of the records. Required.
	ZoneID pulumi.StringInput
	// Records are the CNAMEs to create, at least one. Required.
	Records []DNSRecord
	// TTL is the TTL in seconds of unproxied records (60 to 86400). Defaults to 300.
	TTL int
}

// DNSRecords is a set of Cloudflare CNAME records.
type DNSRecords struct {
	pulumi.ResourceState

	// Hostnames are the records' host names by record Name.
	Hostnames pulumi.StringMapOutput `pulumi:"hostnames"`

	// Records holds the underlying records by record Name, an escape hatch.
	Records map[string]*cloudflare.Record
}

func (a *DNSRecordsArgs) withDefaults() DNSRecordsArgs {
	var c DNSRecordsArgs
	if a != nil {
		c = *a
	}
	if c.TTL == 0 {
		c.TTL = 300
	}
	return c
}

// Validate checks the Args after defaults and returns the first problem as a *fielderr.Error
// naming the field. NewDNSRecords runs it before registering anything.
func (a *DNSRecordsArgs) Validate() error {
	d := a.withDefaults()
	return d.validate()
}

func (a DNSRecordsArgs) validate() error {
	if a.ZoneID == nil {
		return fielderr.New("ZoneID", "is required")
	}
	if len(a.Records) == 0 {
		return fielderr.New("Records", "is empty: at least one record is required")
	}
	names := map[string]bool{}
	children := map[string]string{}
	for i, r := range a.Records {
		if err := dnsname.Check(r.Name, true); err != nil {
			return fielderr.In(fielderr.Index("Records", i)+".Name", err)
		}
		if names[r.Name] {
			return fielderr.New(fielderr.Index("Records", i)+".Name", "%q is listed twice", r.Name)
		}
		names[r.Name] = true
		child := sanitize(r.Name)
		if other, ok := children[child]; ok {
			return fielderr.New(fielderr.Index("Records", i)+".Name", "%q and %q give the same resource name %q", other, r.Name, child)
		}
		children[child] = r.Name
		if r.Target == nil {
			return fielderr.New(fielderr.Index("Records", i)+".Target", "required for %s", r.Name)
		}
	}
	if !validTTL(a.TTL) {
		return fielderr.New("TTL", "%d is not between 60 and 86400 seconds", a.TTL)
	}
	return nil
}

// NewDNSRecords creates one CNAME per record, named name+"-"+<record name with "." as "-">.
func NewDNSRecords(ctx *pulumi.Context, name string, args *DNSRecordsArgs, opts ...pulumi.ResourceOption) (*DNSRecords, error) {
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, fmt.Errorf("dns records %q: %w", name, err)
	}
	d := &DNSRecords{Records: map[string]*cloudflare.Record{}}
	if err := ctx.RegisterComponentResource(dnsRecordsType, name, d, opts...); err != nil {
		return nil, err
	}
	hostnames := pulumi.StringMap{}
	for _, r := range a.Records {
		ttl := a.TTL
		if r.Proxied {
			ttl = 1 // Cloudflare's "automatic", the only TTL a proxied record has
		}
		record, err := cloudflare.NewRecord(ctx, name+"-"+sanitize(r.Name), &cloudflare.RecordArgs{
			ZoneId:         a.ZoneID,
			Name:           pulumi.String(r.Name),
			Type:           pulumi.String("CNAME"),
			Content:        r.Target,
			Proxied:        pulumi.Bool(r.Proxied),
			Ttl:            pulumi.Int(ttl),
			AllowOverwrite: pulumi.Bool(false),
		}, pulumi.Parent(d))
		if err != nil {
			return nil, fmt.Errorf("dns records %q: %w", name, err)
		}
		d.Records[r.Name] = record
		hostnames[r.Name] = record.Hostname
	}
	d.Hostnames = hostnames.ToStringMapOutput()
	return d, ctx.RegisterResourceOutputs(d, pulumi.Map{"hostnames": d.Hostnames})
}
