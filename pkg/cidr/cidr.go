// Package cidr plans subnet CIDR blocks deterministically, keyed by availability-zone name and
// tier, with reserved slots: adding an availability zone or a tier never moves an existing subnet.
//
// Layout of a VPC with prefix length p (p is 16 to 20):
//
//	first 3/4 of the VPC  private tier: one /(p+3) per AZ slot, slots a..f
//	next 1/16             public tier:   one /(p+7) per AZ slot, slots a..h
//	next 1/16             database tier: one /(p+7) per AZ slot
//	next 1/16             intra tier (reserved for isolated workloads)
//	last 1/16             spare (reserved for a future tier)
//
// For a /16 that is a /19 private subnet per AZ (8,187 usable addresses for VPC-CNI pod IPs) and
// /23 public and database subnets. The slot of an AZ is the letter that ends its name
// ("eu-west-1b" is slot 1), never its position in a list, so the plan of one AZ does not depend on
// which other AZs exist.
package cidr

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"sort"
)

// Tier is a class of subnet with its own routing.
type Tier string

// The tiers, each with its own block of the VPC.
const (
	Public   Tier = "public"
	Private  Tier = "private"
	Database Tier = "database"
	Intra    Tier = "intra"
)

// Tiers lists every tier the plan knows, in layout order.
var Tiers = []Tier{Private, Public, Database, Intra}

// Bounds of the layout.
const (
	// MinPrefix and MaxPrefix bound the VPC prefix length the layout supports.
	MinPrefix = 16
	MaxPrefix = 20
	// maxPrivateSlots is how many AZ slots the private tier has (a..f).
	maxPrivateSlots = 6
	// maxSmallSlots is how many AZ slots the small tiers have (a..h).
	maxSmallSlots = 8
)

// Subnet is one planned subnet.
type Subnet struct {
	AZ   string
	Tier Tier
	CIDR netip.Prefix
}

// Slot returns the slot index of an availability zone from the letter that ends its name.
func Slot(az string) (int, error) {
	if az == "" {
		return 0, fmt.Errorf("empty availability zone name")
	}
	c := az[len(az)-1]
	if c < 'a' || c > 'z' {
		return 0, fmt.Errorf("availability zone %q does not end in a zone letter", az)
	}
	slot := int(c - 'a')
	if slot >= maxPrivateSlots {
		return 0, fmt.Errorf("availability zone %q: zone letter %q is beyond the planned slots a-f", az, string(c))
	}
	return slot, nil
}

// CheckVPC reports whether a VPC CIDR can hold the layout.
func CheckVPC(vpc netip.Prefix) error {
	if !vpc.IsValid() || !vpc.Addr().Is4() {
		return fmt.Errorf("%s is not an IPv4 CIDR", vpc)
	}
	if vpc.Masked() != vpc {
		return fmt.Errorf("%s has host bits set (did you mean %s?)", vpc, vpc.Masked())
	}
	if b := vpc.Bits(); b < MinPrefix || b > MaxPrefix {
		return fmt.Errorf("%s is a /%d; the subnet plan needs a /%d to /%d (room for every tier in every AZ)", vpc, b, MinPrefix, MaxPrefix)
	}
	return nil
}

// For returns the CIDR of one subnet: the AZ's slot in the tier's block.
func For(vpc netip.Prefix, az string, tier Tier) (netip.Prefix, error) {
	if err := CheckVPC(vpc); err != nil {
		return netip.Prefix{}, err
	}
	slot, err := Slot(az)
	if err != nil {
		return netip.Prefix{}, err
	}
	p := vpc.Bits()
	switch tier {
	case Private:
		return nth(vpc, p+3, slot), nil
	case Public, Database, Intra:
		// blocks 12..15 of the VPC's 16 sixteenths: public=12, database=13, intra=14, spare=15
		block := map[Tier]int{Public: 12, Database: 13, Intra: 14}[tier]
		if slot >= maxSmallSlots {
			return netip.Prefix{}, fmt.Errorf("availability zone %q has no slot in the %s tier", az, tier)
		}
		return nth(nth(vpc, p+4, block), p+7, slot), nil
	default:
		return netip.Prefix{}, fmt.Errorf("unknown tier %q (allowed: public, private, database, intra)", tier)
	}
}

// Plan returns every subnet for the given AZs and tiers, ordered by AZ name then by tier layout
// order. It fails on duplicate AZs, unknown tiers and AZs without a slot.
func Plan(vpc netip.Prefix, azs []string, tiers []Tier) ([]Subnet, error) {
	if err := CheckVPC(vpc); err != nil {
		return nil, err
	}
	sorted := append([]string(nil), azs...)
	sort.Strings(sorted)
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] {
			return nil, fmt.Errorf("availability zone %q is listed twice", sorted[i])
		}
	}
	seen := map[int]string{}
	var out []Subnet
	for _, az := range sorted {
		slot, err := Slot(az)
		if err != nil {
			return nil, err
		}
		if other, ok := seen[slot]; ok {
			return nil, fmt.Errorf("availability zones %q and %q share slot %d", other, az, slot)
		}
		seen[slot] = az
		for _, t := range Tiers {
			if !containsTier(tiers, t) {
				continue
			}
			c, err := For(vpc, az, t)
			if err != nil {
				return nil, err
			}
			out = append(out, Subnet{AZ: az, Tier: t, CIDR: c})
		}
	}
	for _, t := range tiers {
		if !containsTier(Tiers, t) {
			return nil, fmt.Errorf("unknown tier %q (allowed: public, private, database, intra)", t)
		}
	}
	return out, nil
}

func containsTier(ts []Tier, t Tier) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// nth returns the i-th sub-prefix of length bits inside p.
func nth(p netip.Prefix, bits, i int) netip.Prefix {
	a := p.Addr().As4()
	offset := uint32(i) << (32 - bits) //nolint:gosec // G115: i is an AZ slot (0-7) or a sixteenth of the VPC (12-14)
	binary.BigEndian.PutUint32(a[:], binary.BigEndian.Uint32(a[:])+offset)
	return netip.PrefixFrom(netip.AddrFrom4(a), bits)
}

// ValidateSource reports why s may not be a network allowed to reach a private service (what,
// such as "a database"): it must be a canonical IPv4 or IPv6 CIDR and not the whole internet.
func ValidateSource(s, what string) error {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return fmt.Errorf("%q is not a CIDR", s)
	}
	if p.Bits() == 0 {
		return fmt.Errorf("%q is the whole internet: %s is never open to it (give the networks that need it)", s, what)
	}
	if p.Masked() != p {
		return fmt.Errorf("%q is not a canonical CIDR (want %s)", s, p.Masked())
	}
	return nil
}
