package sqlserver

import (
	"strings"
	"text/template"
)

// bootDisk is one volume as the boot script sees it.
type bootDisk struct {
	Device, VolumeID, Letter, Label string
}

// bootScript is the instance's user data, run once by EC2Launch at the first boot of every
// instance (a rebuilt one included). It holds no secret: the sa password is read from Secrets
// Manager through the instance role into a variable and handed to sqlcmd in its environment. It is
// idempotent: a disk that already has a partition keeps its data and only gets its drive letter,
// and the user databases found on it are attached to the new host's master. It ends with the
// host configuration (Microsoft Update, max server memory: hostConfigScript), which the
// host-configuration association also runs, on hosts whose boot script predates it too.
var bootScript = template.Must(template.New("userdata").Parse(`<powershell>
# SQL Server host {{.Host}} ({{.Edition}} edition), bootstrapped by the flowmart SQLServerHost component.
# No secret below: the sa login is read from Secrets Manager through the instance role.
$ErrorActionPreference = 'Stop'
Start-Transcript -Path 'C:\ProgramData\Amazon\sqlserver-bootstrap.log' -Append

$SecretArn = '{{.SecretARN}}'
$Region = $SecretArn.Split(':')[3]
$ServiceAccount = 'NT SERVICE\MSSQLSERVER'

# The four SQL Server volumes, found by EBS volume id (an NVMe disk's serial number is its volume
# id without the hyphen); the device names are those of the volume attachments.
$Disks = @(
{{- range .Disks}}
  @{ Device = '{{.Device}}'; VolumeId = '{{.VolumeID}}'; Letter = '{{.Letter}}'; Label = '{{.Label}}' }
{{- end}}
)

function Find-Disk([string]$VolumeId) {
  $serial = $VolumeId.Replace('-', '')
  Get-Disk | Where-Object { $_.SerialNumber -and $_.SerialNumber.StartsWith($serial) } | Select-Object -First 1
}

foreach ($d in $Disks) {
  # Volumes are attached after the instance starts: wait for each one.
  $deadline = (Get-Date).AddMinutes(30)
  while (-not ($disk = Find-Disk $d.VolumeId)) {
    if ((Get-Date) -gt $deadline) { throw "volume $($d.VolumeId) ($($d.Device)) was not attached in time" }
    Start-Sleep -Seconds 10
    Update-HostStorageCache
  }
  if ($disk.IsOffline) { Set-Disk -Number $disk.Number -IsOffline $false }
  if ($disk.IsReadOnly) { Set-Disk -Number $disk.Number -IsReadOnly $false }
  if ($disk.PartitionStyle -eq 'RAW') {
    # A new volume: GPT, one NTFS partition with 64 KiB clusters (SQL Server's extent size).
    Initialize-Disk -Number $disk.Number -PartitionStyle GPT
    New-Partition -DiskNumber $disk.Number -UseMaximumSize -DriveLetter $d.Letter |
      Format-Volume -FileSystem NTFS -AllocationUnitSize 65536 -NewFileSystemLabel $d.Label -Confirm:$false | Out-Null
  } else {
    # A volume with data (a rebuilt host): keep it, only give it its drive letter back.
    $part = Get-Partition -DiskNumber $disk.Number | Where-Object { $_.Type -eq 'Basic' } | Select-Object -First 1
    if ($part -and "$($part.DriveLetter)" -ne $d.Letter) {
      Set-Partition -DiskNumber $disk.Number -PartitionNumber $part.PartitionNumber -NewDriveLetter $d.Letter
    }
  }
  $dir = "$($d.Letter):\$($d.Label)"
  New-Item -ItemType Directory -Force -Path $dir | Out-Null
  icacls $dir /grant "${ServiceAccount}:(OI)(CI)F" | Out-Null
}

# sqlcmd reads $(SA_PASSWORD) from the environment, so the password is never on a command line.
$env:SA_PASSWORD = ((Get-SECSecretValue -SecretId $SecretArn -Region $Region).SecretString | ConvertFrom-Json).password
$tsql = Join-Path $env:TEMP 'sqlserver-bootstrap.sql'
Set-Content -Path $tsql -Encoding UTF8 -Value @'
ALTER LOGIN [sa] WITH PASSWORD = N'$(SA_PASSWORD)';
ALTER LOGIN [sa] ENABLE;
EXEC xp_instance_regwrite N'HKEY_LOCAL_MACHINE', N'Software\Microsoft\MSSQLServer\MSSQLServer', N'LoginMode', REG_DWORD, 2;
EXEC xp_instance_regwrite N'HKEY_LOCAL_MACHINE', N'Software\Microsoft\MSSQLServer\MSSQLServer', N'DefaultData', REG_SZ, N'D:\SQLData';
EXEC xp_instance_regwrite N'HKEY_LOCAL_MACHINE', N'Software\Microsoft\MSSQLServer\MSSQLServer', N'DefaultLog', REG_SZ, N'L:\SQLLogs';
EXEC xp_instance_regwrite N'HKEY_LOCAL_MACHINE', N'Software\Microsoft\MSSQLServer\MSSQLServer', N'BackupDirectory', REG_SZ, N'B:\SQLBackup';
DECLARE @move nvarchar(max) = N'';
SELECT @move += N'ALTER DATABASE tempdb MODIFY FILE (NAME = ' + QUOTENAME(name) + N', FILENAME = N''T:\TempDB\' + name
  + CASE WHEN type = 1 THEN N'.ldf' WHEN file_id = 1 THEN N'.mdf' ELSE N'.ndf' END + N''');'
  FROM sys.master_files WHERE database_id = 2;
EXEC (@move);
'@
# A rebuilt host: its master is new, but the databases on D: survived. Attach each one this master
# does not know yet (SQL Server finds its log where it was, on L:); one that fails is reported in
# the transcript and does not stop the others.
foreach ($mdf in @(Get-ChildItem -Path 'D:\SQLData' -Filter '*.mdf' -File -ErrorAction SilentlyContinue)) {
  $name = $mdf.BaseName.Replace("'", "''")
  $ident = $mdf.BaseName.Replace(']', ']]')
  $file = $mdf.FullName.Replace("'", "''")
  Add-Content -Path $tsql -Encoding UTF8 -Value "IF DB_ID(N'$name') IS NULL BEGIN BEGIN TRY CREATE DATABASE [$ident] ON (FILENAME = N'$file') FOR ATTACH; PRINT N'attached $name'; END TRY BEGIN CATCH PRINT N'not attached $name: ' + ERROR_MESSAGE(); END CATCH END;"
}
try {
  & sqlcmd.exe -S localhost -E -b -i $tsql
  if ($LASTEXITCODE -ne 0) { throw "sqlcmd failed with exit code $LASTEXITCODE" }
} finally {
  Remove-Item -Path $tsql -Force -ErrorAction SilentlyContinue
  Remove-Item -Path Env:SA_PASSWORD -ErrorAction SilentlyContinue
}
# Mixed-mode authentication and the tempdb location take effect at the restart.
Restart-Service -Name MSSQLSERVER -Force
Start-Service -Name SQLSERVERAGENT -ErrorAction SilentlyContinue

# Last, once SQL Server runs with its settings (a failure here leaves the steps above done; the
# host-configuration association runs the same again daily):
{{.HostConfig}}
Stop-Transcript
</powershell>
`))

// userData renders the boot script for a secret ARN and the volumes in drives() order.
func userData(host string, edition Edition, secretARN string, disks []bootDisk) string {
	var b strings.Builder
	data := struct {
		Host       string
		Edition    Edition
		SecretARN  string
		Disks      []bootDisk
		HostConfig string
	}{host, edition, secretARN, disks, hostConfig()}
	if err := bootScript.Execute(&b, data); err != nil { // the template and its data are fixed: unreachable
		return ""
	}
	return b.String()
}
