package diff

// forcesReplacement lists, per resource type, the inputs whose change makes the provider replace
// the resource (delete and create) instead of updating it in place. Paths are dotted input paths as
// in the preview JSON; a change below a listed path counts too.
//
// Source: the ForceNew attributes of the resource schemas of terraform-provider-aws v5 (which
// pulumi-aws v6 bridges) and of the Cloudflare and Kubernetes providers, as documented in the
// "Argument Reference" of each resource (an argument documented as "Changing this forces a new
// resource"). Keep one entry per type the program creates; a type missing here is treated as
// updatable, so add it when a component starts using it.
var forcesReplacement = map[string][]string{
	"aws:ec2/vpc:Vpc":                                           {"cidrBlock", "instanceTenancy"},
	"aws:ec2/subnet:Subnet":                                     {"cidrBlock", "availabilityZone", "availabilityZoneId", "vpcId", "ipv6Native"},
	"aws:ec2/internetGateway:InternetGateway":                   {},
	"aws:ec2/eip:Eip":                                           {"domain", "publicIpv4Pool", "networkBorderGroup", "address"},
	"aws:ec2/natGateway:NatGateway":                             {"allocationId", "subnetId", "connectivityType", "privateIp"},
	"aws:ec2/routeTable:RouteTable":                             {"vpcId"},
	"aws:ec2/routeTableAssociation:RouteTableAssociation":       {"subnetId", "gatewayId"},
	"aws:ec2/route:Route":                                       {"routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"},
	"aws:ec2/vpcEndpoint:VpcEndpoint":                           {"vpcId", "serviceName", "vpcEndpointType", "serviceRegion"},
	"aws:ec2/securityGroup:SecurityGroup":                       {"name", "namePrefix", "vpcId", "description"},
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":         {"vpcId"},
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {"securityGroupId"},
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":   {"securityGroupId"},
	"aws:ec2/flowLog:FlowLog":                                   {"vpcId", "subnetId", "logDestination", "logDestinationType", "trafficType", "iamRoleArn", "logFormat", "maxAggregationInterval"},
	"aws:ec2/instance:Instance":                                 {"ami", "availabilityZone", "subnetId", "privateIp", "keyName", "placementGroup", "tenancy", "hostId", "ebsBlockDevices", "ephemeralBlockDevices", "rootBlockDevice.encrypted", "rootBlockDevice.kmsKeyId", "associatePublicIpAddress", "cpuOptions", "launchTemplate", "networkInterfaces"},
	"aws:ec2/launchTemplate:LaunchTemplate":                     {"name", "namePrefix"},
	"aws:ec2/volumeAttachment:VolumeAttachment":                 {"deviceName", "instanceId", "volumeId"},
	"aws:ebs/volume:Volume":                                     {"availabilityZone", "encrypted", "kmsKeyId", "snapshotId", "outpostArn"},
	"aws:autoscaling/group:Group":                               {"name", "namePrefix"},
	"aws:kms/key:Key":                                           {"customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId", "customKeyStoreId"},
	"aws:kms/alias:Alias":                                       {"name", "namePrefix"},
	"aws:cloudwatch/logGroup:LogGroup":                          {"name", "namePrefix", "logGroupClass"},
	"aws:iam/role:Role":                                         {"name", "namePrefix", "path"},
	"aws:iam/rolePolicy:RolePolicy":                             {"name", "namePrefix", "role"},
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment":         {"role", "policyArn"},
	"aws:iam/instanceProfile:InstanceProfile":                   {"name", "namePrefix", "path"},
	"aws:iam/policy:Policy":                                     {"name", "namePrefix", "path", "description"},
	"aws:iam/openIdConnectProvider:OpenIdConnectProvider":       {"url"},
	"aws:eks/cluster:Cluster":                                   {"name", "roleArn", "vpcConfig.subnetIds", "encryptionConfig.provider.keyArn", "kubernetesNetworkConfig.serviceIpv4Cidr", "kubernetesNetworkConfig.ipFamily", "bootstrapSelfManagedAddons", "accessConfig.bootstrapClusterCreatorAdminPermissions", "outpostConfig"},
	"aws:eks/nodeGroup:NodeGroup":                               {"clusterName", "nodeGroupName", "nodeGroupNamePrefix", "nodeRoleArn", "subnetIds", "amiType", "capacityType", "diskSize", "instanceTypes", "remoteAccess"},
	"aws:eks/addon:Addon":                                       {"clusterName", "addonName"},
	"aws:eks/accessEntry:AccessEntry":                           {"clusterName", "principalArn", "type"},
	"aws:eks/accessPolicyAssociation:AccessPolicyAssociation":   {"clusterName", "principalArn", "policyArn"},
	"aws:eks/podIdentityAssociation:PodIdentityAssociation":     {"clusterName", "namespace", "serviceAccount"},
	"aws:ecr/repository:Repository":                             {"name", "encryptionConfigurations"},
	"aws:ecr/lifecyclePolicy:LifecyclePolicy":                   {"repository"},
	"aws:ecr/repositoryPolicy:RepositoryPolicy":                 {"repository"},
	"aws:ecr/pullThroughCacheRule:PullThroughCacheRule":         {"ecrRepositoryPrefix", "upstreamRegistryUrl", "credentialArn"},
	"aws:acm/certificate:Certificate":                           {"domainName", "subjectAlternativeNames", "validationMethod", "keyAlgorithm", "certificateAuthorityArn", "privateKey", "certificateBody"},
	"aws:acm/certificateValidation:CertificateValidation":       {"certificateArn", "validationRecordFqdns"},
	"aws:secretsmanager/secret:Secret":                          {"name", "namePrefix"},
	"aws:secretsmanager/secretVersion:SecretVersion":            {"secretId", "secretString", "secretBinary"},
	"aws:backup/vault:Vault":                                    {"name", "kmsKeyArn"},
	"aws:backup/selection:Selection":                            {"name", "planId", "iamRoleArn", "resources", "selectionTags", "conditions", "notResources"},
	"aws:route53/zone:Zone":                                     {"name", "delegationSetId"},
	"aws:route53/record:Record":                                 {"zoneId", "name", "type", "setIdentifier"},
	"aws:sns/topic:Topic":                                       {"name", "namePrefix", "fifoTopic"},
	"aws:ssm/parameter:Parameter":                               {"name"},
	"aws:ssm/maintenanceWindow:MaintenanceWindow":               {},
	"random:index/randomPassword:RandomPassword":                {"length", "special", "upper", "lower", "numeric", "minLower", "minUpper", "minNumeric", "minSpecial", "overrideSpecial", "keepers"},
	"cloudflare:index/record:Record":                            {"zoneId"},
	"kubernetes:helm.sh/v3:Release":                             {"name", "namespace"},
	"kubernetes:core/v1:Namespace":                              {"metadata.name"},
	"kubernetes:networking.k8s.io/v1:Ingress":                   {"metadata.name", "metadata.namespace"},
}
