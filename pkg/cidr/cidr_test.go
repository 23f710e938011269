package cidr

import (
	"math/rand"
	"net/netip"
	"strings"
	"testing"
)

func TestForKnownLayout(t *testing.T) {
	vpc := netip.MustParsePrefix("10.30.0.0/16")
	cases := []struct {
		az   string
		tier Tier
		want string
	}{
		{"eu-west-1a", Private, "10.30.0.0/19"},
		{"eu-west-1b", Private, "10.30.32.0/19"},
		{"eu-west-1c", Private, "10.30.64.0/19"},
		{"eu-west-1f", Private, "10.30.160.0/19"},
		{"eu-west-1a", Public, "10.30.192.0/23"},
		{"eu-west-1c", Public, "10.30.196.0/23"},
		{"eu-west-1a", Database, "10.30.208.0/23"},
		{"eu-west-1b", Database, "10.30.210.0/23"},
		{"eu-west-1a", Intra, "10.30.224.0/23"},
	}
	for _, c := range cases {
		got, err := For(vpc, c.az, c.tier)
		if err != nil {
			t.Fatalf("For(%s,%s): %v", c.az, c.tier, err)
		}
		if got.String() != c.want {
			t.Errorf("For(%s,%s) = %s, want %s", c.az, c.tier, got, c.want)
		}
	}
}

func TestPrivateSubnetsHoldPods(t *testing.T) {
	for bits := MinPrefix; bits <= MaxPrefix; bits++ {
		vpc := netip.PrefixFrom(netip.MustParseAddr("10.0.0.0"), bits)
		got, err := For(vpc, "us-east-1a", Private)
		if err != nil {
			t.Fatal(err)
		}
		if got.Bits() != bits+3 {
			t.Errorf("/%d VPC: private subnet /%d, want /%d", bits, got.Bits(), bits+3)
		}
		pub, _ := For(vpc, "us-east-1a", Public)
		if pub.Bits() > 28 {
			t.Errorf("/%d VPC: public subnet /%d is below the AWS minimum /28", bits, pub.Bits())
		}
	}
}

func TestCheckVPCRejects(t *testing.T) {
	cases := map[string]string{
		"10.0.0.0/24": "the subnet plan needs a /16 to /20",
		"10.0.0.0/8":  "the subnet plan needs a /16 to /20",
		"10.0.1.0/16": "host bits set",
		"fd00::/56":   "not an IPv4 CIDR",
	}
	for in, want := range cases {
		err := CheckVPC(netip.MustParsePrefix(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckVPC(%s) = %v, want error containing %q", in, err, want)
		}
	}
}

func TestPlanRejects(t *testing.T) {
	vpc := netip.MustParsePrefix("10.0.0.0/16")
	cases := []struct {
		azs   []string
		tiers []Tier
		want  string
	}{
		{[]string{"us-east-1a", "us-east-1a"}, Tiers, "listed twice"},
		{[]string{"us-east-1g"}, Tiers, "beyond the planned slots"},
		{[]string{"us-east-1-"}, Tiers, "does not end in a zone letter"},
		{[]string{"us-east-1a"}, []Tier{"dmz"}, `unknown tier "dmz"`},
		{[]string{"us-east-1a", "us-west-2a"}, Tiers, "share slot 0"},
	}
	for _, c := range cases {
		_, err := Plan(vpc, c.azs, c.tiers)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Plan(%v,%v) = %v, want error containing %q", c.azs, c.tiers, err, c.want)
		}
	}
}

func planMap(t *testing.T, vpc netip.Prefix, azs []string, tiers []Tier) map[string]netip.Prefix {
	t.Helper()
	subnets, err := Plan(vpc, azs, tiers)
	if err != nil {
		t.Fatalf("Plan(%v,%v): %v", azs, tiers, err)
	}
	m := map[string]netip.Prefix{}
	for _, s := range subnets {
		m[s.AZ+"/"+string(s.Tier)] = s.CIDR
	}
	return m
}

// randomSubset returns a random non-empty subset of letters a..f as AZ names, in random order.
func randomSubset(r *rand.Rand, region string) []string {
	var azs []string
	for _, i := range r.Perm(maxPrivateSlots)[:1+r.Intn(maxPrivateSlots)] {
		azs = append(azs, region+string(rune('a'+i)))
	}
	return azs
}

// Property: adding an AZ or a tier never changes a subnet that already existed, and no two
// subnets overlap, whatever the VPC size, AZ set and order.
func TestPlanStabilityAndNonOverlapProperty(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for range 500 {
		bits := MinPrefix + r.Intn(MaxPrefix-MinPrefix+1)
		vpc := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(r.Intn(256)), 0, 0}), bits).Masked()
		azs := randomSubset(r, "eu-central-1")
		tiers := []Tier{Private, Public}
		if r.Intn(2) == 0 {
			tiers = []Tier{Public, Private, Database}
		}
		before := planMap(t, vpc, azs, tiers)

		// add every missing AZ and every tier, listing them in a shuffled order
		all := randomSubset(r, "eu-central-1")
		all = append(all, azs...)
		uniq := map[string]bool{}
		var grown []string
		for _, az := range all {
			if !uniq[az] {
				uniq[az] = true
				grown = append(grown, az)
			}
		}
		r.Shuffle(len(grown), func(i, j int) { grown[i], grown[j] = grown[j], grown[i] })
		after := planMap(t, vpc, grown, Tiers)

		for k, c := range before {
			if after[k] != c {
				t.Fatalf("vpc %s: %s moved from %s to %s when AZs %v/tiers %v grew to %v/%v", vpc, k, c, after[k], azs, tiers, grown, Tiers)
			}
		}
		var list []netip.Prefix
		for k, c := range after {
			if !vpc.Contains(c.Addr()) || c.Bits() < vpc.Bits() {
				t.Fatalf("%s %s is outside vpc %s", k, c, vpc)
			}
			list = append(list, c)
		}
		for a := range list {
			for b := a + 1; b < len(list); b++ {
				if list[a].Overlaps(list[b]) {
					t.Fatalf("vpc %s: %s overlaps %s", vpc, list[a], list[b])
				}
			}
		}
	}
}

func TestPlanIsOrderIndependent(t *testing.T) {
	vpc := netip.MustParsePrefix("10.20.0.0/16")
	a, _ := Plan(vpc, []string{"eu-west-1c", "eu-west-1a", "eu-west-1b"}, Tiers)
	b, _ := Plan(vpc, []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"}, Tiers)
	if len(a) != len(b) || len(a) != 12 {
		t.Fatalf("len %d vs %d, want 12", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("subnet %d: %v vs %v", i, a[i], b[i])
		}
	}
}

func TestValidateSource(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"172.16.30.0/24", ""},
		{"10.0.0.5/32", ""},
		{"2001:db8::/32", ""},
		{"0.0.0.0/0", `"0.0.0.0/0" is the whole internet: a database is never open to it (give the networks that need it)`},
		{"::/0", `"::/0" is the whole internet: a database is never open to it (give the networks that need it)`},
		{"10.0.0.5/24", `"10.0.0.5/24" is not a canonical CIDR (want 10.0.0.0/24)`},
		{"10.0.0.0", `"10.0.0.0" is not a CIDR`},
	} {
		got := ""
		if err := ValidateSource(c.in, "a database"); err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%s: %q, want %q", c.in, got, c.want)
		}
	}
}
