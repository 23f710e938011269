package preview

// sqlserverOutputs are the computed outputs of the sqlserver component's own resource types (the instance,
// secrets, parameters and Route 53 records are in hostOutputs).
var sqlserverOutputs = map[string]outputFunc{}
