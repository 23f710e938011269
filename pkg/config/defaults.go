package config

import "github.com/flowmart/platform/components/network"

// envDefaults are the values a stack gets when its file does not set a key. This table is the one
// place environment defaults live: Pulumi.yaml declares types and descriptions only.
type envDefaults struct {
	NATStrategy          network.NATStrategy
	FlowLogRetentionDays int
}

var defaults = map[Environment]envDefaults{
	Dev:        {NATStrategy: network.NATSingle, FlowLogRetentionDays: 30},
	Staging:    {NATStrategy: network.NATSingle, FlowLogRetentionDays: 90},
	Production: {NATStrategy: network.NATOnePerAZ, FlowLogRetentionDays: 365},
}

// applyDefaults fills unset values from the environment's defaults. An unknown environment gets
// none: Validate reports it.
func (c *Config) applyDefaults() {
	c.applyRegistryDefaults()
	d, ok := defaults[c.Environment]
	if !ok {
		return
	}
	if c.Network.NATStrategy == "" {
		c.Network.NATStrategy = d.NATStrategy
	}
	if c.Network.FlowLogRetentionDays == 0 {
		c.Network.FlowLogRetentionDays = d.FlowLogRetentionDays
	}
}

// registryDefaults are the Registry's per-environment defaults: tags are immutable where images
// are promoted (staging, production), and only dev repositories may be deleted with their images.
type registryDefaults struct {
	ImmutableTags bool
	ForceDelete   bool
}

var registryDefaultsByEnv = map[Environment]registryDefaults{
	Dev:        {ImmutableTags: false, ForceDelete: true},
	Staging:    {ImmutableTags: true, ForceDelete: false},
	Production: {ImmutableTags: true, ForceDelete: false},
}

func (c *Config) applyRegistryDefaults() {
	d, ok := registryDefaultsByEnv[c.Environment]
	if !ok {
		return
	}
	if c.Registry.ImmutableTags == nil {
		v := d.ImmutableTags
		c.Registry.ImmutableTags = &v
	}
	c.Registry.ForceDelete = d.ForceDelete
}
