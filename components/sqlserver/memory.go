package sqlserver

import (
	"strings"
	"text/template"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// SQL Server's memory cap, from the instance's memory. AWS's guidance for SQL Server on EC2:
// "max_server_memory = total_RAM – (memory_for_the_OS + MTL)", where "memory for the operating
// system is 1-4 GB" and "MTL (memory to leave) includes the stack size, which is 2 MB on 64-bit
// machines per worker thread ... MTL = stack_size * max_worker_threads" (AWS Prescriptive
// Guidance, Best practices for deploying SQL Server on Amazon EC2, "Cap max server memory to
// avoid memory pressure", https://docs.aws.amazon.com/prescriptive-guidance/latest/sql-server-ec2-best-practices/max-server-memory.html;
// Microsoft's "Server memory configuration options",
// https://learn.microsoft.com/sql/database-engine/configure-windows/server-memory-server-configuration-options,
// likewise leaves the operating system and the memory outside max server memory, thread stacks
// among it, their share). The host takes the top of the operating system's range, since the SSM,
// CloudWatch and VSS agents run beside Windows, and reads max_worker_threads from SQL Server
// (sys.dm_os_sys_info.max_workers_count), so the cap follows the instance type.
const (
	// OSReserveMiB is the memory left to Windows and the agents.
	OSReserveMiB = 4096
	// WorkerStackMiB is the stack of one worker thread on 64-bit SQL Server.
	WorkerStackMiB = 2
	// MinMaxServerMemoryMiB is the least max server memory the script sets (an instance type
	// too small for the formula still gets a working SQL Server).
	MinMaxServerMemoryMiB = 1024
	// MemoryAlarmAvailableMiB is the memory alarm's threshold: a quarter of OSReserveMiB left
	// available means Windows and the agents, not SQL Server, are short of memory.
	MemoryAlarmAvailableMiB = OSReserveMiB / 4
)

// MicrosoftUpdateServiceID is the Windows Update Agent service id of Microsoft Update. Patch
// Manager patches Microsoft applications (SQL Server) only when the node takes "updates for other
// Microsoft products" ("About patching applications released by Microsoft on Windows Server",
// AWS Systems Manager User Guide, patch-manager-patching-windows-applications.md in
// awsdocs/aws-systems-manager-user-guide, commit dd495cc); a script opts in by registering this
// service with Automatic Updates, IUpdateServiceManager2::AddService2(id, 7, "") (Microsoft,
// "Opt-In to Microsoft Update", https://learn.microsoft.com/windows/win32/wua_sdk/opt-in-to-microsoft-update;
// flags 7: allow pending and online registration, register with Automatic Updates).
const MicrosoftUpdateServiceID = "7971f918-a847-4430-9279-4a52d1efe18d"

// hostConfigScript is the PowerShell that both the boot script and the host-configuration
// association run: it opts in to Microsoft Update and sets max server memory from the memory of
// the instance it runs on. It is idempotent and never restarts SQL Server (max server memory is a
// dynamic option).
var hostConfigScript = template.Must(template.New("hostconfig").Parse(`# Microsoft Update, so that Patch Manager can install SQL Server's updates.
$UpdateServices = New-Object -ComObject Microsoft.Update.ServiceManager
$UpdateServices.AddService2('{{.ServiceID}}', 7, '') | Out-Null

# max server memory (MB) = the instance's memory - {{.Reserve}} MiB for Windows and the agents - {{.Stack}} MiB per worker thread.
$TotalMemoryMB = [long][math]::Floor((Get-CimInstance -ClassName Win32_ComputerSystem).TotalPhysicalMemory / 1048576)
$MaxWorkers = [long](& sqlcmd.exe -S localhost -E -b -h -1 -W -Q 'SET NOCOUNT ON; SELECT max_workers_count FROM sys.dm_os_sys_info;' | Select-Object -First 1)
if ($LASTEXITCODE -ne 0) { throw "sqlcmd failed with exit code $LASTEXITCODE" }
$MaxServerMemoryMB = [math]::Max($TotalMemoryMB - {{.Reserve}} - {{.Stack}} * $MaxWorkers, {{.Floor}})
& sqlcmd.exe -S localhost -E -b -v "MaxServerMemoryMB=$MaxServerMemoryMB" -Q 'EXEC sp_configure ''show advanced options'', 1; RECONFIGURE; EXEC sp_configure ''max server memory (MB)'', $(MaxServerMemoryMB); RECONFIGURE;'
if ($LASTEXITCODE -ne 0) { throw "sqlcmd failed with exit code $LASTEXITCODE" }
Write-Output "max server memory (MB) = $MaxServerMemoryMB of $TotalMemoryMB MB"
`))

// hostConfig renders hostConfigScript.
func hostConfig() string {
	var b strings.Builder
	data := struct{ ServiceID, Reserve, Stack, Floor any }{MicrosoftUpdateServiceID, OSReserveMiB, WorkerStackMiB, MinMaxServerMemoryMiB}
	if err := hostConfigScript.Execute(&b, data); err != nil { // fixed template and data: unreachable
		return ""
	}
	return b.String()
}

// Host configuration association.
const (
	hostConfigDocument = "AWS-RunPowerShellScript"
	// HostConfigSchedule re-applies the host configuration, so that max server memory follows a
	// new instance type (a resize stops and starts the instance; the boot script does not run
	// again) within a day; `aws ssm start-associations-once` applies it at once.
	HostConfigSchedule = "rate(1 day)"
)

// hostConfiguration associates the instance with AWS-RunPowerShellScript running hostConfigScript:
// at creation (which is how a host that is already running gets it: its boot script ran long ago
// and is not run again) and then daily.
func (h *SQLServerHost) hostConfiguration(ctx *pulumi.Context) error {
	_, err := ssm.NewAssociation(ctx, h.name+"-host-config", &ssm.AssociationArgs{
		AssociationName:    pulumi.String(h.physicalName() + "-host-config"),
		Name:               pulumi.String(hostConfigDocument),
		Parameters:         pulumi.StringMap{"commands": pulumi.String(hostConfig())},
		Targets:            h.instanceTarget(),
		ScheduleExpression: pulumi.String(HostConfigSchedule),
	}, h.opts...)
	return err
}
