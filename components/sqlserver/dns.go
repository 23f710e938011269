package sqlserver

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// dnsTTL is the record's TTL in seconds: short, so a rebuilt host's new address is seen quickly.
const dnsTTL = 60

// dnsRecord registers the host in the private zone as <HostName>.<PrivateZoneName>, an A record to
// its private address, so applications never hard-code an IP.
func (h *SQLServerHost) dnsRecord(ctx *pulumi.Context) error {
	record, err := route53.NewRecord(ctx, h.name+"-dns", &route53.RecordArgs{
		ZoneId:  h.args.PrivateZoneID,
		Name:    pulumi.String(h.args.HostName + "." + h.args.PrivateZoneName),
		Type:    pulumi.String("A"),
		Ttl:     pulumi.Int(dnsTTL),
		Records: pulumi.StringArray{h.Instance.PrivateIp},
	}, h.opts...)
	if err != nil {
		return err
	}
	h.PrivateDNSName = record.Fqdn
	return nil
}
