package sqlserver

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/flowmart/platform/pkg/preview"
)

// The boot script's tests read it as PowerShell: testdata/psparse runs the tree-sitter PowerShell
// grammar (vendored WebAssembly, offline) on the machine's Node.js and reports the syntax errors
// and the script's commands, assignments, hash literals, variable uses and strings, each with the
// blocks it sits in (foreach, if, else, try, finally, function). The assertions are derived from
// the Args and the resource graph, not from the template's text.

// psProgram is what testdata/psparse/parse.cjs reports about a script.
type psProgram struct {
	Errors   []string `json:"errors"`
	Commands []struct {
		Name     string   `json:"name"`
		Line     int      `json:"line"`
		Elements []string `json:"elements"`
		Scopes   []string `json:"scopes"`
	} `json:"commands"`
	Assignments []struct {
		Left, Right string
		Line        int
		Scopes      []string
	} `json:"assignments"`
	Hashes []struct {
		Entries    [][2]string `json:"entries"`
		Line       int         `json:"line"`
		Scopes     []string    `json:"scopes"`
		Assignment string      `json:"assignment"`
	} `json:"hashes"`
	Variables []psVariable `json:"variables"`
	Strings   []struct {
		Kind, Text, Command, Assignment string
		Line                            int
		Scopes                          []string
	} `json:"strings"`
}

// psVariable is one use of a variable: the command and parameter it is an argument of, the
// assignment it is in and whether it is that assignment's target.
type psVariable struct {
	Name, Command, Parameter, Assignment string
	Assigned                             bool
	Line                                 int
	Scopes                               []string
}

// psParse parses a PowerShell script. Node.js is required, not optional: without it the test
// fails rather than skips.
func psParse(t *testing.T, script string) psProgram {
	t.Helper()
	// go test caches a passing result by the files the test opens: name the parser's
	for _, f := range []string{"parse.cjs", "web-tree-sitter.cjs", "web-tree-sitter.wasm", "tree-sitter-powershell.wasm"} {
		if _, err := os.Stat(filepath.Join("testdata", "psparse", f)); err != nil {
			t.Fatal(err)
		}
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is needed to parse the boot script (Debian's nodejs): %v", err)
	}
	cmd := exec.Command(node, "testdata/psparse/parse.cjs")
	cmd.Stdin = strings.NewReader(script)
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			stderr = ee.Stderr
		}
		t.Fatalf("parse.cjs: %v %s", err, stderr)
	}
	var p psProgram
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatalf("parse.cjs output: %v", err)
	}
	return p
}

// commands returns the commands named name (case-insensitive, as PowerShell resolves them).
func (p psProgram) commands(name string) []int {
	var out []int
	for i, c := range p.Commands {
		if strings.EqualFold(c.Name, name) {
			out = append(out, i)
		}
	}
	return out
}

// arg returns the argument that follows parameter in command i, or "".
func (p psProgram) arg(i int, parameter string) string {
	els := p.Commands[i].Elements
	for j, e := range els {
		if strings.EqualFold(e, parameter) && j+1 < len(els) && !strings.HasPrefix(els[j+1], "-") {
			return els[j+1]
		}
	}
	return ""
}

// uses returns every use of a variable (case-insensitive, as PowerShell's names are).
func (p psProgram) uses(name string) []psVariable {
	var out []psVariable
	for _, v := range p.Variables {
		if strings.EqualFold(v.Name, name) {
			out = append(out, v)
		}
	}
	return out
}

// unquote returns the value of a PowerShell verbatim string literal (” is a quote).
func unquote(lit string) (string, bool) {
	if len(lit) < 2 || lit[0] != '\'' || lit[len(lit)-1] != '\'' {
		return "", false
	}
	return strings.ReplaceAll(lit[1:len(lit)-1], "''", "'"), true
}

// scriptBody checks the EC2Launch wrapper and returns the PowerShell inside it.
func scriptBody(t *testing.T, ud string) string {
	t.Helper()
	body, ok := strings.CutPrefix(ud, "<powershell>\n")
	if ok {
		body, ok = strings.CutSuffix(body, "</powershell>\n")
	}
	if !ok {
		t.Fatalf("user data is not one <powershell> block:\n%s", ud)
	}
	return body
}

// sqlDisks are the boot disks of the Args' drives, with made-up volume ids.
func sqlDisks(a *SQLServerHostArgs) []bootDisk {
	var disks []bootDisk
	for i, d := range a.withDefaults().drives() {
		disks = append(disks, bootDisk{Device: d.device, VolumeID: fmt.Sprintf("vol-0%016x", i+1), Letter: d.letter, Label: d.label})
	}
	return disks
}

// renders are boot scripts for varied inputs: the Args' four drives, fewer, one more, each edition.
func renders() map[string]string {
	four := sqlDisks(baseArgs())
	five := append(slices.Clone(four), bootDisk{Device: "xvdj", VolumeID: "vol-0fffffffffffffff5", Letter: "E", Label: "SQLExtra"})
	return map[string]string{
		"standard":   userData("prod", Standard, testSecretARN, four),
		"enterprise": userData("prod", Enterprise, testSecretARN, four),
		"three":      userData("prod", Standard, testSecretARN, four[:3]),
		"five":       userData("prod", Standard, "arn:aws-us-gov:secretsmanager:us-gov-west-1:444455556666:secret:db-sa-Zz9", five),
	}
}

// deployedUserData builds the host under mocks as an update and returns its user data, the
// volume attachments (device name -> volume id) and the secret's ARN.
func deployedUserData(t *testing.T, a *SQLServerHostArgs) (string, map[string]string, string) {
	t.Helper()
	doc := build(t, a, true)
	ud, ok := one(t, doc, typInstance, "prod-sqlserver").Inputs["userData"].(string)
	if !ok || ud == preview.Unknown {
		t.Fatalf("user data %v", one(t, doc, typInstance, "prod-sqlserver").Inputs["userData"])
	}
	attached := map[string]string{}
	for _, at := range doc.Find(typAttachment) {
		attached[at.Inputs["deviceName"].(string)] = at.Inputs["volumeId"].(string)
	}
	arn, _ := doc.Outputs["secretArn"].(string)
	if !strings.HasPrefix(arn, "arn:aws:secretsmanager:") {
		t.Fatalf("secretArn output %v", doc.Outputs["secretArn"])
	}
	return ud, attached, arn
}

// EC2Launch v2 runs user data enclosed in <powershell></powershell> as PowerShell, once, at the
// first boot of the instance, unless <persist>true</persist> asks for every boot; raw user data is
// at most 16 KB ("Run commands when you launch an EC2 instance with user data input", Amazon EC2
// User Guide, https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html, its Windows
// part; EC2Launch v2 runs XML user data in its PostReady stage, ec2launch-v2-overview.html). The
// script promises to run once per instance (a rebuilt host is a new instance): one PowerShell
// block, nothing outside it, no <persist>, no batch <script>.
func TestBootScriptIsOneEC2LaunchPowerShellBlock(t *testing.T) {
	for name, ud := range renders() {
		body := scriptBody(t, ud)
		for _, tag := range []string{"<powershell>", "</powershell>", "<persist>", "<script>", "<detach>"} {
			if strings.Contains(strings.ToLower(body), tag) {
				t.Errorf("%s: %s inside the script", name, tag)
			}
		}
		if len(ud) > 16*1024 {
			t.Errorf("%s: user data is %d bytes, over EC2's 16 KB", name, len(ud))
		}
	}
}

// The rendered script is PowerShell that parses without error, for every input; the parser
// itself flags a script with a missing brace, an unterminated string or a here-string whose end
// is indented, so a clean parse means something.
func TestBootScriptParsesAsPowerShell(t *testing.T) {
	ud, _, _ := deployedUserData(t, fullArgs(true))
	all := renders()
	all["deployed"] = ud
	for name, ud := range all {
		if p := psParse(t, scriptBody(t, ud)); len(p.Errors) > 0 {
			t.Errorf("%s does not parse: %q", name, p.Errors)
		}
	}
	body := scriptBody(t, all["standard"])
	broken := map[string]string{
		"missing brace":          body[:strings.LastIndex(body, "}")] + body[strings.LastIndex(body, "}")+1:],
		"unterminated string":    strings.Replace(body, "'"+testSecretARN+"'", "'"+testSecretARN, 1),
		"indented here-string":   strings.Replace(body, "\n'@", "\n  '@", 1),
		"unbalanced parenthesis": strings.Replace(body, "(Get-Date)", "(Get-Date", 1),
	}
	for name, b := range broken {
		if b == body {
			t.Fatalf("%s: the mutation changed nothing", name)
		}
		if p := psParse(t, b); len(p.Errors) == 0 {
			t.Errorf("the parser accepts a script with a %s", name)
		}
	}
}

// Every volume of the Args is in the script's disk table exactly once, keyed by the device name it
// is attached at, with the id of the volume attached there and the drive's letter and label; the
// table drives one loop, whose only format step (new, RAW volumes) and only letter step (volumes
// with data) take the entry's letter. Nothing else in the script formats, clears or letters a disk.
func TestBootScriptPreparesEachVolumeOnce(t *testing.T) {
	drives := baseArgs().withDefaults().drives()
	ud, attached, _ := deployedUserData(t, baseArgs())
	if len(attached) != len(drives) {
		t.Fatalf("%d attachments for %d drives", len(attached), len(drives))
	}
	want := map[string]bootDisk{}
	for _, d := range drives {
		want[d.device] = bootDisk{Device: d.device, VolumeID: attached[d.device], Letter: d.letter, Label: d.label}
	}
	checkDiskTable(t, "deployed", psParse(t, scriptBody(t, ud)), want)
	for name, disks := range map[string][]bootDisk{"three": sqlDisks(baseArgs())[:3], "five": append(sqlDisks(baseArgs()), bootDisk{"xvdj", "vol-0fffffffffffffff5", "E", "SQLExtra"})} {
		want := map[string]bootDisk{}
		for _, d := range disks {
			want[d.Device] = d
		}
		checkDiskTable(t, name, psParse(t, scriptBody(t, userData("prod", Standard, testSecretARN, disks))), want)
	}
}

func checkDiskTable(t *testing.T, name string, p psProgram, want map[string]bootDisk) {
	t.Helper()
	// the table: one hash literal per volume, assigned to the variable the loop walks
	var loop string
	got := map[string]bootDisk{}
	for _, h := range p.Hashes {
		e := map[string]string{}
		for _, kv := range h.Entries {
			v, ok := unquote(kv[1])
			if !ok {
				t.Errorf("%s: disk table entry %s = %s is not a literal", name, kv[0], kv[1])
			}
			e[kv[0]] = v
		}
		d := bootDisk{Device: e["Device"], VolumeID: e["VolumeId"], Letter: e["Letter"], Label: e["Label"]}
		if _, twice := got[d.Device]; twice {
			t.Errorf("%s: device %s is in the disk table twice", name, d.Device)
		}
		got[d.Device] = d
		if loop != "" && h.Assignment != loop {
			t.Errorf("%s: disk entries in %s and %s", name, loop, h.Assignment)
		}
		loop = h.Assignment
	}
	if len(got) != len(want) {
		t.Errorf("%s: disk table %v, want %v", name, got, want)
	}
	for dev, w := range want {
		if got[dev] != w {
			t.Errorf("%s: disk table entry of %s = %+v, want %+v", name, dev, got[dev], w)
		}
	}
	// the loop over the table, and its variable
	var each string
	prefix := "foreach "
	for _, c := range p.Commands {
		for _, s := range c.Scopes {
			if strings.HasPrefix(s, prefix) && strings.HasSuffix(s, " in "+loop) {
				each = strings.TrimSuffix(strings.TrimPrefix(s, prefix), " in "+loop)
			}
		}
	}
	if each == "" {
		t.Fatalf("%s: no foreach loop over %s", name, loop)
	}
	inLoop := func(i int) bool { return slices.Contains(p.Commands[i].Scopes, prefix+each+" in "+loop) }
	formats := p.commands("Format-Volume")
	if len(formats) != 1 || !inLoop(formats[0]) {
		t.Fatalf("%s: Format-Volume at %v: want one, in the loop over %s", name, formats, loop)
	}
	formatScope := p.Commands[formats[0]].Scopes
	if cond := formatScope[len(formatScope)-1]; !strings.HasPrefix(cond, "if ") || !strings.Contains(cond, "'RAW'") {
		t.Errorf("%s: the format step runs under %q, not only for a RAW (new) volume", name, cond)
	}
	parts := p.commands("New-Partition")
	if len(parts) != 1 || !slices.Equal(p.Commands[parts[0]].Scopes, formatScope) {
		t.Fatalf("%s: New-Partition at %v: want one, beside the format step", name, parts)
	}
	if l := p.arg(parts[0], "-DriveLetter"); l != each+".Letter" {
		t.Errorf("%s: the new partition gets letter %q, not the entry's", name, l)
	}
	if l := p.arg(formats[0], "-NewFileSystemLabel"); l != each+".Label" {
		t.Errorf("%s: the volume gets label %q, not the entry's", name, l)
	}
	sets := p.commands("Set-Partition")
	if len(sets) != 1 || !inLoop(sets[0]) || !slices.Contains(p.Commands[sets[0]].Scopes, "else") {
		t.Fatalf("%s: Set-Partition at %v: want one, in the loop, for a volume that is not new", name, sets)
	}
	if l := p.arg(sets[0], "-NewDriveLetter"); l != each+".Letter" {
		t.Errorf("%s: a volume with data gets letter %q, not the entry's", name, l)
	}
	for _, wipe := range []string{"Clear-Disk", "Remove-Partition", "Initialize-Volume", "diskpart", "diskpart.exe"} {
		if len(p.commands(wipe)) > 0 {
			t.Errorf("%s: the script runs %s", name, wipe)
		}
	}
	for _, i := range p.commands("Initialize-Disk") {
		if !slices.Equal(p.Commands[i].Scopes, formatScope) {
			t.Errorf("%s: Initialize-Disk outside the RAW branch", name)
		}
	}
}

// The sa secret: its ARN appears once, as the literal of one variable whose only uses are the
// Secrets Manager read (-SecretId) and the region derived from it (the read's -Region); the read
// goes into the sqlcmd environment variable, which no command line names and a finally block
// removes. The password itself (the mocks' known fake value) is nowhere in the user data.
func TestBootScriptReadsTheSecretOnlyThroughSecretsManager(t *testing.T) {
	ud, _, arn := deployedUserData(t, fullArgs(true))
	for _, form := range []string{preview.MockPassword, base64.StdEncoding.EncodeToString([]byte(preview.MockPassword)), `"password":"` + preview.MockPassword} {
		if strings.Contains(ud, form) {
			t.Fatalf("the sa password is in the user data (%q)", form)
		}
	}
	if n := strings.Count(ud, arn); n != 1 {
		t.Fatalf("the secret ARN appears %d times", n)
	}
	p := psParse(t, scriptBody(t, ud))
	var arnVar string
	for _, a := range p.Assignments {
		if v, ok := unquote(a.Right); ok && v == arn {
			arnVar = a.Left
		}
	}
	if arnVar == "" {
		t.Fatalf("the secret ARN is not the literal of a variable")
	}
	reads := p.commands("Get-SECSecretValue")
	if len(reads) != 1 {
		t.Fatalf("%d Secrets Manager reads", len(reads))
	}
	read := p.Commands[reads[0]]
	if id := p.arg(reads[0], "-SecretId"); !strings.EqualFold(id, arnVar) {
		t.Errorf("the read's -SecretId is %q, not %s", id, arnVar)
	}
	region := p.arg(reads[0], "-Region")
	for _, u := range p.uses(arnVar) {
		switch {
		case u.Assigned && u.Assignment == arnVar:
		case strings.EqualFold(u.Command, read.Name) && u.Parameter == "-SecretId":
		case !u.Assigned && u.Command == "" && strings.EqualFold(u.Assignment, region):
		default:
			t.Errorf("%s is used at line %d (%+v), not only by the Secrets Manager read", arnVar, u.Line, u)
		}
	}
	for _, u := range p.uses(region) {
		if !u.Assigned && (!strings.EqualFold(u.Command, read.Name) || u.Parameter != "-Region") {
			t.Errorf("%s is used at line %d (%+v)", region, u.Line, u)
		}
	}
	// where the value goes: one environment variable, never an argument, removed in a finally
	var target string
	for _, u := range p.uses(arnVar) {
		if u.Command != "" {
			target = u.Assignment
		}
	}
	env, ok := strings.CutPrefix(strings.ToLower(target), "$env:")
	if !ok {
		t.Fatalf("the secret is read into %q, not an environment variable for sqlcmd", target)
	}
	for _, u := range p.uses(target) {
		if !u.Assigned {
			t.Errorf("the password variable %s is used at line %d (%+v)", target, u.Line, u)
		}
	}
	removed := false
	for _, i := range p.commands("Remove-Item") {
		if path := p.arg(i, "-Path"); strings.EqualFold(path, "Env:"+env) && slices.Contains(p.Commands[i].Scopes, "finally") {
			removed = true
		}
	}
	if !removed {
		t.Errorf("%s is not removed in a finally block", target)
	}
}

// Equal Args render the same script (no map order, no time, no random value), so an update does
// not touch the instance; one more volume changes it by exactly one disk table entry.
func TestBootScriptIsDeterministic(t *testing.T) {
	a, _, _ := deployedUserData(t, fullArgs(true))
	b, _, _ := deployedUserData(t, fullArgs(true))
	if a != b {
		t.Error("two deploys of equal Args render different scripts")
	}
	four := sqlDisks(baseArgs())
	five := append(slices.Clone(four), bootDisk{"xvdj", "vol-0fffffffffffffff5", "E", "SQLExtra"})
	x, y := userData("prod", Standard, testSecretARN, four), userData("prod", Standard, testSecretARN, five)
	if x == y {
		t.Fatal("a fifth volume does not change the script")
	}
	px, py := psParse(t, scriptBody(t, x)), psParse(t, scriptBody(t, y))
	if len(py.Hashes) != len(px.Hashes)+1 || len(py.Commands) != len(px.Commands) {
		t.Errorf("a fifth volume: %d -> %d disk entries, %d -> %d commands", len(px.Hashes), len(py.Hashes), len(px.Commands), len(py.Commands))
	}
}

// SQL Server is pointed at the volumes the loop prepares: each drive's folder is
// <letter>:\<label> (the directory the loop creates), and the default data, log and backup
// directories, the tempdb files and the folder searched for databases to re-attach are the data,
// log, backup and tempdb drives' folders. The T-SQL sqlcmd runs has closed strings and brackets;
// the attach statements join the file before sqlcmd runs it, and sqlcmd runs before the restart.
func TestBootScriptPointsSQLServerAtItsVolumes(t *testing.T) {
	dirs := map[string]string{}
	for _, d := range baseArgs().withDefaults().drives() {
		dirs[d.key] = d.letter + `:\` + d.label
	}
	ud, _, _ := deployedUserData(t, baseArgs())
	p := psParse(t, scriptBody(t, ud))
	// the folder of each disk: "$($d.Letter):\$($d.Label)"
	made := false
	for _, a := range p.Assignments {
		if a.Right == `"$($d.Letter):\$($d.Label)"` {
			for _, i := range p.commands("New-Item") {
				if path := p.arg(i, "-Path"); strings.EqualFold(path, a.Left) {
					made = true
				}
			}
		}
	}
	if !made {
		t.Error("the loop does not create <letter>:\\<label> on each disk")
	}
	var tsql string
	for _, s := range p.Strings {
		if s.Kind == "verbatim_here_string_characters" && strings.EqualFold(s.Command, "Set-Content") {
			tsql = strings.TrimSuffix(strings.TrimPrefix(s.Text, "@'\n"), "\n'@")
		}
	}
	if tsql == "" {
		t.Fatal("no T-SQL here-string")
	}
	if err := tsqlBalanced(tsql); err != nil {
		t.Errorf("T-SQL: %v\n%s", err, tsql)
	}
	settings := map[string]string{}
	for _, m := range regexp.MustCompile(`xp_instance_regwrite\s+N'HKEY_LOCAL_MACHINE',\s*N'[^']*',\s*N'(\w+)',\s*REG_SZ,\s*N'([^']*)'`).FindAllStringSubmatch(tsql, -1) {
		settings[m[1]] = m[2]
	}
	for setting, key := range map[string]string{"DefaultData": "data", "DefaultLog": "log", "BackupDirectory": "backup"} {
		if settings[setting] != dirs[key] {
			t.Errorf("%s = %q, want the %s drive's folder %q", setting, settings[setting], key, dirs[key])
		}
	}
	if m := regexp.MustCompile(`FILENAME = N''([^']*)\\'`).FindStringSubmatch(tsql); len(m) < 2 || m[1] != dirs["tempdb"] {
		t.Errorf("tempdb files go to %v, want %q", m, dirs["tempdb"])
	}
	scans := p.commands("Get-ChildItem")
	if len(scans) != 1 {
		t.Fatalf("%d Get-ChildItem", len(scans))
	}
	if path := p.arg(scans[0], "-Path"); path != "'"+dirs["data"]+"'" {
		t.Errorf("databases to attach are searched in %s, not the data drive's folder", path)
	}
	attach := p.commands("Add-Content")
	run := -1 // the sqlcmd that runs the T-SQL file
	for _, i := range p.commands("sqlcmd.exe") {
		if p.arg(i, "-i") != "" {
			run = i
		}
	}
	restart := p.commands("Restart-Service")
	if len(attach) != 1 || run < 0 || len(restart) != 1 || p.Commands[attach[0]].Line > p.Commands[run].Line || p.Commands[run].Line > p.Commands[restart[0]].Line {
		t.Fatalf("attach %v, sqlcmd %d, restart %v: want attach, then sqlcmd, then the restart", attach, run, restart)
	}
	if file := p.arg(attach[0], "-Path"); file == "" || !slices.Contains(p.Commands[run].Elements, file) {
		t.Errorf("the attach statements go to %q, which sqlcmd does not run (%q)", file, p.Commands[run].Elements)
	}
	// each attach statement stands alone: guarded by DB_ID, in its own TRY ... CATCH
	stmt := p.arg(attach[0], "-Value")
	if err := tsqlBalanced(strings.Trim(stmt, `"`)); err != nil {
		t.Errorf("attach statement: %v", err)
	}
	if i, j, k := strings.Index(stmt, "IS NULL"), strings.Index(stmt, "BEGIN TRY"), strings.Index(stmt, "BEGIN CATCH"); i < 0 || j < i || k < j {
		t.Errorf("an attach is not guarded and caught on its own: %s", stmt)
	}
}

// tsqlBalanced checks T-SQL's quoting: every '...' string (with ” inside) and [...] identifier
// (with ]] inside) is closed, and parentheses balance outside them; -- and /* */ are comments.
func tsqlBalanced(s string) error {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\'':
			j := i + 1
			for ; j < len(s); j++ {
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						j++
						continue
					}
					break
				}
			}
			if j >= len(s) {
				return fmt.Errorf("string at %d is not closed", i)
			}
			i = j
		case s[i] == '[':
			j := i + 1
			for ; j < len(s); j++ {
				if s[j] == ']' {
					if j+1 < len(s) && s[j+1] == ']' {
						j++
						continue
					}
					break
				}
			}
			if j >= len(s) {
				return fmt.Errorf("identifier at %d is not closed", i)
			}
			i = j
		case strings.HasPrefix(s[i:], "--"):
			if k := strings.IndexByte(s[i:], '\n'); k >= 0 {
				i += k
			} else {
				i = len(s)
			}
		case strings.HasPrefix(s[i:], "/*"):
			k := strings.Index(s[i+2:], "*/")
			if k < 0 {
				return fmt.Errorf("comment at %d is not closed", i)
			}
			i += k + 3
		case s[i] == '(':
			depth++
		case s[i] == ')':
			if depth--; depth < 0 {
				return fmt.Errorf("unopened ) at %d", i)
			}
		}
	}
	if depth != 0 {
		return fmt.Errorf("%d ( not closed", depth)
	}
	return nil
}

func TestTSQLBalanced(t *testing.T) {
	for _, ok := range []string{`SELECT N'it''s', [a]]b] FROM t WHERE (x = N'(')`, "-- it's\nSELECT 1", "/* ( */ SELECT 1"} {
		if err := tsqlBalanced(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{`SELECT N'it's'`, `SELECT [a`, `SELECT (1`, `SELECT 1)`, `/* x`} {
		if tsqlBalanced(bad) == nil {
			t.Errorf("%q passes", bad)
		}
	}
}

// checkHostConfig asserts the host configuration as statements of the parsed program p: the
// Microsoft Update opt-in, the instance's memory read from Windows, max_worker_threads read from
// SQL Server, max server memory computed from both by AWS's formula (memory.go) and set with
// sp_configure through sqlcmd, unconditionally (outside any block).
func checkHostConfig(t *testing.T, name string, p psProgram) {
	t.Helper()
	for _, e := range hostConfigProblems(p) {
		t.Errorf("%s: %s", name, e)
	}
}

// hostConfigProblems lists what checkHostConfig finds wrong in p.
func hostConfigProblems(p psProgram) []string {
	var problems []string
	errorf := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	assigned := map[string]int{} // variable -> the line it is assigned on
	right := map[string]string{}
	for _, a := range p.Assignments {
		if len(a.Scopes) != 0 {
			continue
		}
		assigned[strings.ToLower(a.Left)] = a.Line
		right[strings.ToLower(a.Left)] = a.Right
	}
	onLine := func(cmd string, line int) int {
		for _, i := range p.commands(cmd) {
			if p.Commands[i].Line == line {
				return i
			}
		}
		return -1
	}
	// Microsoft Update: the service manager, and the Microsoft Update service registered with it
	sm, ok := assigned["$updateservices"]
	if i := onLine("New-Object", sm); !ok || i < 0 || p.arg(i, "-ComObject") != "Microsoft.Update.ServiceManager" {
		errorf("no Microsoft.Update.ServiceManager object")
	}
	registered := false
	for _, u := range p.uses("$UpdateServices") {
		for _, s := range p.Strings {
			if !u.Assigned && s.Line == u.Line && s.Text == "'"+MicrosoftUpdateServiceID+"'" && len(s.Scopes) == 0 {
				registered = true
			}
		}
	}
	if !registered {
		errorf("the Microsoft Update service %s is not registered", MicrosoftUpdateServiceID)
	}
	// the instance's memory, from Windows
	line, ok := assigned["$totalmemorymb"]
	if i := onLine("Get-CimInstance", line); !ok || i < 0 || p.arg(i, "-ClassName") != "Win32_ComputerSystem" || !strings.Contains(right["$totalmemorymb"], ".TotalPhysicalMemory / 1048576") {
		errorf("$TotalMemoryMB = %q is not the instance's physical memory in MiB", right["$totalmemorymb"])
	}
	// max_worker_threads, from SQL Server
	line, ok = assigned["$maxworkers"]
	if i := onLine("sqlcmd.exe", line); !ok || i < 0 || p.arg(i, "-Q") != "'SET NOCOUNT ON; SELECT max_workers_count FROM sys.dm_os_sys_info;'" {
		errorf("$MaxWorkers is not SQL Server's max_workers_count")
	}
	// the formula: RAM - the operating system's share - a stack per worker, with a floor
	want := fmt.Sprintf("[math]::Max($TotalMemoryMB - %d - %d * $MaxWorkers, %d)", OSReserveMiB, WorkerStackMiB, MinMaxServerMemoryMiB)
	if got := right["$maxservermemorymb"]; got != want {
		errorf("$MaxServerMemoryMB = %q, want %q", got, want)
	}
	// the setting: sqlcmd hands the value to sp_configure as a scripting variable
	set := -1
	for _, i := range p.commands("sqlcmd.exe") {
		if p.arg(i, "-v") == `"MaxServerMemoryMB=$MaxServerMemoryMB"` {
			set = i
		}
	}
	if set < 0 {
		errorf("no sqlcmd sets max server memory from $MaxServerMemoryMB")
		return problems
	}
	if len(p.Commands[set].Scopes) != 0 || p.Commands[set].Line < assigned["$maxservermemorymb"] {
		errorf("max server memory is set under %q or before it is computed", p.Commands[set].Scopes)
	}
	q, ok := unquote(p.arg(set, "-Q"))
	var stmts []string
	for _, s := range strings.Split(q, ";") {
		if s = strings.TrimSpace(s); s != "" {
			stmts = append(stmts, s)
		}
	}
	wantStmts := []string{"EXEC sp_configure 'show advanced options', 1", "RECONFIGURE", "EXEC sp_configure 'max server memory (MB)', $(MaxServerMemoryMB)", "RECONFIGURE"}
	if !ok || !slices.Equal(stmts, wantStmts) {
		errorf("max server memory T-SQL %q, want %q", stmts, wantStmts)
	}
	if !slices.Contains(p.Commands[set].Elements, "-b") {
		errorf("a failed sp_configure does not fail sqlcmd")
	}
	return problems
}

// The boot script and the host-configuration association both opt in to Microsoft Update and set
// max server memory from the memory of the instance they run on, as program statements.
func TestHostConfigurationSetsMaxServerMemory(t *testing.T) {
	ud, _, _ := deployedUserData(t, fullArgs(true))
	all := renders()
	all["deployed"] = ud
	for name, ud := range all {
		p := psParse(t, scriptBody(t, ud))
		checkHostConfig(t, name+" boot script", p)
		// the host configuration runs last, once SQL Server has restarted with its settings, so a
		// failure in it cannot leave the volumes or the logins half done
		restart := p.commands("Restart-Service")
		if len(restart) != 1 {
			t.Fatalf("%s: %d restarts", name, len(restart))
		}
		for _, i := range p.commands("sqlcmd.exe") {
			if p.arg(i, "-i") == "" && p.Commands[i].Line < p.Commands[restart[0]].Line {
				t.Errorf("%s: the host configuration's sqlcmd at line %d runs before SQL Server restarts", name, p.Commands[i].Line)
			}
		}
	}
	doc := build(t, fullArgs(true), true)
	assoc := one(t, doc, typAssoc, "prod-host-config")
	if assoc.Inputs["name"] != "AWS-RunPowerShellScript" || assoc.Inputs["scheduleExpression"] != HostConfigSchedule || assoc.Inputs["associationName"] != "prod-sqlserver-host-config" {
		t.Errorf("host configuration association %v", assoc.Inputs)
	}
	tg := obj(assoc.Inputs["targets"].([]any)[0])
	if tg["key"] != "InstanceIds" || !slices.Equal(strList(tg["values"]), []string{doc.Outputs["instanceId"].(string)}) {
		t.Errorf("host configuration targets %v", tg)
	}
	commands, _ := obj(assoc.Inputs["parameters"])["commands"].(string)
	p := psParse(t, commands)
	if len(p.Errors) > 0 {
		t.Fatalf("the association's script does not parse: %q", p.Errors)
	}
	checkHostConfig(t, "association", p)
	// it never restarts SQL Server: max server memory is dynamic
	for _, c := range []string{"Restart-Service", "Stop-Service", "Restart-Computer"} {
		if len(p.commands(c)) > 0 {
			t.Errorf("the association runs %s", c)
		}
	}
	// the checks catch a broken script: no reserve for Windows, a conditional setting, no opt-in
	for label, b := range map[string]string{
		"no reserve":  strings.Replace(commands, fmt.Sprintf("$TotalMemoryMB - %d", OSReserveMiB), "$TotalMemoryMB - 0", 1),
		"conditional": strings.Replace(commands, "& sqlcmd.exe -S localhost -E -b -v", "if ($false) { & sqlcmd.exe -S localhost -E -b -v", 1) + "}\n",
		"no opt-in":   strings.Replace(commands, MicrosoftUpdateServiceID, "00000000-0000-0000-0000-000000000000", 1),
	} {
		if b == commands {
			t.Fatalf("%s: the mutation changed nothing", label)
		}
		if bp := psParse(t, b); len(bp.Errors) == 0 && len(hostConfigProblems(bp)) == 0 {
			t.Errorf("a script with %s passes", label)
		}
	}
}

// The memory alarm follows max server memory: it watches available memory, which SQL Server's cap
// leaves at about OSReserveMiB, and fires below a share of it; committed bytes, which count SQL
// Server's own cap, are not alarmed on.
func TestMemoryAlarmFollowsMaxServerMemory(t *testing.T) {
	doc := build(t, baseArgs(), true)
	a := one(t, doc, typAlarm, "prod-alarm-memory").Inputs
	if a["metricName"] != AvailableMetric || a["comparisonOperator"] != "LessThanThreshold" || a["namespace"] != AgentNamespace {
		t.Fatalf("memory alarm %v", a)
	}
	threshold := a["threshold"].(float64)
	if threshold <= 0 || threshold >= OSReserveMiB {
		t.Errorf("memory alarm at %v MiB available: want above 0 and below the %d MiB SQL Server leaves", threshold, OSReserveMiB)
	}
	// the agent collects the counter the alarm watches
	var cfg struct {
		Metrics struct {
			MetricsCollected map[string]struct{ Measurement []string } `json:"metrics_collected"`
		}
	}
	if err := json.Unmarshal([]byte(one(t, doc, typParameter, "prod-cwagent-config").Inputs["insecureValue"].(string)), &cfg); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(cfg.Metrics.MetricsCollected[MemoryObject].Measurement, AvailableCounter) {
		t.Errorf("the agent does not collect %s %s", MemoryObject, AvailableCounter)
	}
	for _, al := range doc.Find(typAlarm) {
		if al.Inputs["metricName"] == MemoryMetric {
			t.Errorf("%s alarms on committed bytes", al.Name)
		}
	}
}
