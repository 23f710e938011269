package config

// Replaced by the component-backed checks once components/sqlserver and components/vpn land.
func (c *Config) validateSQLServerArgs() error { return nil }
func (c *Config) validateVPNArgs() error       { return nil }
