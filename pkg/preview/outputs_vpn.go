package preview

// vpnOutputs are the computed outputs of the vpn component's own resource types (the instance,
// secrets, parameters and Route 53 records are in hostOutputs).
var vpnOutputs = map[string]outputFunc{}
