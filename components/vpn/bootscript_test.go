package vpn

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/flowmart/platform/pkg/preview"
)

// The gateway's boot script is tested by running it: bash parses it (`bash -n`), then runs it in a
// sandbox, a scratch root standing in for / (the script's /etc and /usr/local/sbin paths are
// moved under it), as an unprivileged user when the test runs as root, with a PATH that holds
// only stubs of the commands that touch the machine or AWS (aws, dnf, sysctl, systemctl, wg,
// wg-quick, sleep), which log their arguments, and the few file tools the script uses. What it
// writes and what it asks the stubs for is checked against the Args and the resource graph.

// bootFacts are what the graph says the script must use.
type bootFacts struct {
	userData, secretARN, privateKey, peersName, peersValue string
	address                                                netip.Prefix
	port                                                   int
}

func deployedFacts(t *testing.T, args *VPNGatewayArgs) bootFacts {
	t.Helper()
	doc := build(t, args, true)
	ud, _ := get(t, doc, typeInstance, "prod-vpn-host").Inputs["userData"].(string)
	arn, _ := doc.Outputs["privateKeySecretArn"].(string)
	param := get(t, doc, typeParameter, "prod-vpn-peers")
	name, _ := param.Inputs["name"].(string)
	value, _ := param.Inputs["insecureValue"].(string)
	if ud == "" || arn == "" || name == "" || value == "" {
		t.Fatalf("user data %q, secret %q, peers parameter %q = %q", ud, arn, name, value)
	}
	d := args.withDefaults()
	cidr := netip.MustParsePrefix(d.ClientCIDR)
	return bootFacts{
		userData: ud, secretARN: arn, peersName: name, peersValue: value,
		privateKey: base64.StdEncoding.EncodeToString(preview.MockRandomBytes(get(t, doc, typeRandomBytes, "prod-vpn-private-key").URN, 32)),
		address:    netip.PrefixFrom(cidr.Addr().Next(), cidr.Bits()), // the first host of the client range
		port:       d.ListenPort,
	}
}

// bashSyntax checks a script with `bash -n`, which parses and runs nothing; a warning (such as a
// here-document closed by the end of the file) fails it too.
func bashSyntax(t *testing.T, what, script string) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatalf("bash is needed to check %s: %v", what, err)
	}
	cmd := exec.Command(bash, "-n")
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("%s does not parse: %v %s", what, err, out)
	}
}

// sandbox is a scratch root with the stubs.
type sandbox struct {
	root, stubs string
	cred        *syscall.Credential
}

const stubLogger = `log() { local IFS=$'\x1f'; printf '%s\n' "$*" >> "$STUB_DIR/log"; }
`

// stubScripts are the commands that reach AWS or change the machine, each logging its arguments.
var stubScripts = map[string]string{
	"aws": stubLogger + `log aws "$@"
case "$1 $2" in
"secretsmanager get-secret-value")
  n=$(cat "$STUB_DIR/secret-fails" 2>/dev/null || echo 0)
  if [ "$n" -gt 0 ]; then echo $((n - 1)) > "$STUB_DIR/secret-fails"; echo "AccessDenied" >&2; exit 255; fi
  cat "$STUB_DIR/secret-value";;
"ssm get-parameter")
  if [ -e "$STUB_DIR/ssm-fails" ]; then echo "AccessDenied" >&2; exit 255; fi
  cat "$STUB_DIR/ssm-value";;
*) exit 2;;
esac
`,
	"dnf":       stubLogger + `log dnf "$@"` + "\n",
	"sysctl":    stubLogger + `log sysctl "$@"` + "\n",
	"systemctl": stubLogger + `log systemctl "$@"` + "\n",
	"sleep":     stubLogger + `log sleep "$@"` + "\n",
	// wg-quick strip prints the interface's configuration without wg-quick's own keys
	"wg-quick": stubLogger + `log wg-quick "$@"
[ "$1" = strip ] || exit 2
grep -v -E '^(Address|MTU|DNS|Table|PreUp|PostUp|PreDown|PostDown|SaveConfig) *=' "$ROOT/etc/wireguard/$2.conf"
`,
	// wg syncconf applies a configuration: the stub keeps what was applied
	"wg": stubLogger + `log wg "$@"
[ "$1" = syncconf ] || exit 2
if [ -e "$STUB_DIR/wg-fails" ]; then echo "Line unrecognized" >&2; exit 1; fi
cat "$3" > "$STUB_DIR/applied"
`,
}

// realTools are the file tools the scripts may use beside bash's builtins.
var realTools = []string{"cat", "install", "chmod", "mktemp", "mv", "rm", "seq", "grep"}

func newSandbox(t *testing.T) *sandbox {
	t.Helper()
	root, err := os.MkdirTemp("", "vpn-boot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(root) })
	s := &sandbox{root: root, stubs: filepath.Join(root, "stub")}
	// what an Amazon Linux 2023 host has before the script runs
	for _, d := range []string{"etc/sysctl.d", "etc/systemd/system", "usr/local/sbin", "stub"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o750); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range stubScripts {
		if err := os.WriteFile(filepath.Join(s.stubs, name), []byte("#!/bin/bash\n"+body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, tool := range realTools {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Fatalf("%s: %v", tool, err)
		}
		if err := os.Symlink(p, filepath.Join(s.stubs, tool)); err != nil {
			t.Fatal(err)
		}
	}
	if os.Geteuid() == 0 {
		// as nobody: a script that wrote outside the sandbox would fail, not change this machine
		s.cred = &syscall.Credential{Uid: 65534, Gid: 65534}
		r, err := os.OpenRoot(root)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = r.Close() }()
		if err := fs.WalkDir(r.FS(), ".", func(p string, _ fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			return r.Lchown(p, 65534, 65534)
		}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// sandboxed moves the script's absolute paths under the sandbox's root.
func (s *sandbox) sandboxed(script string) string {
	script = strings.ReplaceAll(script, "/etc/", s.root+"/etc/")
	return strings.ReplaceAll(script, "/usr/local/sbin/", s.root+"/usr/local/sbin/")
}

// run runs a script file of the sandbox with bash and returns its output and exit error.
func (s *sandbox) run(t *testing.T, path string) (string, error) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatalf("bash is needed to run the boot script: %v", err)
	}
	cmd := exec.Command(bash, path)
	cmd.Dir = s.root
	cmd.Env = []string{"PATH=" + s.stubs, "HOME=" + s.root, "ROOT=" + s.root, "STUB_DIR=" + s.stubs, "LANG=C"}
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (s *sandbox) write(t *testing.T, rel, content string) string {
	t.Helper()
	p := filepath.Join(s.root, rel)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if s.cred != nil {
		_ = os.Chown(p, 65534, 65534)
	}
	return p
}

func (s *sandbox) read(t *testing.T, rel string) (string, os.FileMode) {
	t.Helper()
	p := filepath.Join(s.root, rel)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	fi, _ := os.Stat(p)
	return string(b), fi.Mode().Perm()
}

// calls returns the stubs' calls, in order, each as its argument list.
func (s *sandbox) calls(t *testing.T) [][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.stubs, "log"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out [][]string
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if line != "" {
			out = append(out, strings.Split(line, "\x1f"))
		}
	}
	return out
}

// flag returns the value that follows a flag in a call.
func flag(call []string, name string) string {
	for i, a := range call {
		if a == name && i+1 < len(call) {
			return call[i+1]
		}
	}
	return ""
}

// ini reads a systemd unit or WireGuard configuration: section -> key -> values, in order.
func ini(text string) map[string]map[string][]string {
	out := map[string]map[string][]string{}
	section := ""
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = line[1 : len(line)-1]
			if out[section] == nil {
				out[section] = map[string][]string{}
			}
		default:
			k, v, _ := strings.Cut(line, "=")
			if out[section] == nil {
				out[section] = map[string][]string{}
			}
			out[section][strings.TrimSpace(k)] = append(out[section][strings.TrimSpace(k)], strings.TrimSpace(v))
		}
	}
	return out
}

// boot runs the user data in a new sandbox, the secret answering with the key after fails
// refusals, and returns the sandbox.
func boot(t *testing.T, f bootFacts, fails int) *sandbox {
	t.Helper()
	s := newSandbox(t)
	s.write(t, "stub/secret-value", f.privateKey+"\n")
	s.write(t, "stub/secret-fails", fmt.Sprint(fails))
	s.write(t, "stub/ssm-value", f.peersValue+"\n")
	if out, err := s.run(t, s.write(t, "user-data.sh", s.sandboxed(f.userData))); err != nil {
		t.Fatalf("the boot script fails: %v\n%s", err, out)
	}
	return s
}

func gatewayVariants() map[string]*VPNGatewayArgs {
	other := baseArgs()
	other.ClientCIDR, other.ListenPort, other.Peers = "172.16.30.0/24", 51900, nil
	return map[string]*VPNGatewayArgs{"base": baseArgs(), "other range, port, no peers": other}
}

// The boot script and the peers' script it installs parse; bash itself flags a broken copy.
func TestUserDataParsesAsBash(t *testing.T) {
	for name, args := range gatewayVariants() {
		f := deployedFacts(t, args)
		bashSyntax(t, name+" user data", f.userData)
		s := boot(t, f, 0)
		script, _ := s.read(t, "usr/local/sbin/wg-peers")
		bashSyntax(t, name+" wg-peers", script)
		if !strings.HasPrefix(f.userData, "#!/bin/bash\n") || !strings.HasPrefix(script, "#!/bin/bash\n") {
			t.Errorf("%s: a script does not start with #!/bin/bash (cloud-init runs user data by its shebang)", name)
		}
	}
	ud := deployedFacts(t, baseArgs()).userData
	cmd := exec.Command("bash", "-n")
	last := strings.LastIndex(ud, "\nEOF\n")
	cmd.Stdin = strings.NewReader(ud[:last] + ud[last+len("\nEOF"):])
	if out, err := cmd.CombinedOutput(); err == nil && len(out) == 0 {
		t.Error("bash -n accepts a script with an unclosed here-document")
	}
}

// Booted, the host has IP forwarding on, WireGuard and dnsmasq installed, and an interface
// configuration (mode 600, the only file holding the key) with the tunnel's first address, the
// Args' port, a pinned MTU and the key read through the role from the gateway's secret in its
// region; the key is on no command line, and the configuration names no peer. The units it
// enables are the ones it wrote, after a daemon-reload.
func TestUserDataBootsTheGateway(t *testing.T) {
	for name, args := range gatewayVariants() {
		f := deployedFacts(t, args)
		s := boot(t, f, 0)
		calls := s.calls(t)
		// the interface
		conf, mode := s.read(t, "etc/wireguard/wg0.conf")
		wg0 := ini(conf)
		want := map[string][]string{"Address": {f.address.String()}, "ListenPort": {fmt.Sprint(f.port)}, "MTU": {"1420"}, "PrivateKey": {f.privateKey}}
		if mode != 0o600 || len(wg0) != 1 || fmt.Sprint(wg0["Interface"]) != fmt.Sprint(want) {
			t.Errorf("%s: wg0.conf (mode %o) = %v, want only [Interface] %v", name, mode, wg0, want)
		}
		if _, dir := s.read(t, "etc/wireguard/wg0.conf"); dir != 0o600 {
			t.Errorf("%s: wg0.conf mode %o", name, dir)
		}
		if fi, err := os.Stat(filepath.Join(s.root, "etc", "wireguard")); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: /etc/wireguard %v %v, want mode 700", name, fi.Mode(), err)
		}
		// the key: read once from the gateway's secret, in the secret's region, into wg0.conf only
		var reads [][]string
		for _, c := range calls {
			if c[0] == "aws" && c[1] == "secretsmanager" {
				reads = append(reads, c)
			}
			if slices.ContainsFunc(c, func(a string) bool { return strings.Contains(a, f.privateKey) }) {
				t.Errorf("%s: the private key is on the command line of %q", name, c[0])
			}
		}
		if len(reads) != 1 || flag(reads[0], "--secret-id") != f.secretARN || flag(reads[0], "--region") != strings.Split(f.secretARN, ":")[3] {
			t.Errorf("%s: secret reads %q, want one of %s in its region", name, reads, f.secretARN)
		}
		r, err := os.OpenRoot(s.root)
		if err != nil {
			t.Fatal(err)
		}
		err = fs.WalkDir(r.FS(), ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasPrefix(p, "stub/") || p == "etc/wireguard/wg0.conf" {
				return err
			}
			if b, _ := r.ReadFile(p); strings.Contains(string(b), f.privateKey) {
				t.Errorf("%s: the private key is in /%s", name, p)
			}
			return nil
		})
		_ = r.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, peer := range args.Peers {
			if strings.Contains(f.userData, peer.PublicKey) || strings.Contains(f.userData, peer.AllowedIP) {
				t.Errorf("%s: the user data holds peer %s: peers belong in the parameter", name, peer.Name)
			}
		}
		if strings.Contains(f.userData, f.privateKey) {
			t.Errorf("%s: the user data holds the private key", name)
		}
		// forwarding, packages
		sysctl, _ := s.read(t, "etc/sysctl.d/90-wireguard.conf")
		if !slices.Contains(strings.Split(strings.ReplaceAll(sysctl, " ", ""), "\n"), "net.ipv4.ip_forward=1") {
			t.Errorf("%s: sysctl.d: %q", name, sysctl)
		}
		if !slices.ContainsFunc(calls, func(c []string) bool { return slices.Equal(c, []string{"sysctl", "--system"}) }) {
			t.Errorf("%s: the sysctl settings are not applied", name)
		}
		installed := slices.IndexFunc(calls, func(c []string) bool {
			return c[0] == "dnf" && slices.Contains(c, "install") && slices.Contains(c, "wireguard-tools") && slices.Contains(c, "dnsmasq")
		})
		if installed < 0 {
			t.Errorf("%s: wireguard-tools and dnsmasq are not installed: %q", name, calls)
		}
		// units: written, reloaded, enabled
		var systemctl [][]string
		for _, c := range calls {
			if c[0] == "systemctl" {
				systemctl = append(systemctl, c[1:])
			}
		}
		if len(systemctl) == 0 || !slices.Equal(systemctl[0], []string{"daemon-reload"}) {
			t.Fatalf("%s: systemctl calls %q: want daemon-reload first", name, systemctl)
		}
		enabled, started := map[string]bool{}, map[string]bool{}
		for _, c := range systemctl[1:] {
			if c[0] != "enable" {
				t.Errorf("%s: systemctl %q", name, c)
				continue
			}
			now := slices.Contains(c, "--now")
			for _, u := range c[1:] {
				if u != "--now" {
					enabled[u], started[u] = true, started[u] || now
				}
			}
		}
		for _, u := range []string{"wg-quick@wg0", "wg-peers.timer", "dnsmasq.service"} {
			if !started[u] {
				t.Errorf("%s: %s is not enabled and started", name, u)
			}
		}
		for _, u := range []string{"wg-peers.service", "wg-peers.timer"} {
			if !enabled[u] {
				t.Errorf("%s: %s is not enabled", name, u)
			}
			if _, err := os.Stat(filepath.Join(s.root, "etc", "systemd", "system", u)); err != nil {
				t.Errorf("%s: %s is enabled but not written: %v", name, u, err)
			}
		}
	}
}

// The peers: wg-peers.service runs the installed script whenever wg-quick@wg0 starts and after
// it, and the timer runs it every minute. The script reads the gateway's peers parameter and
// applies it live with wg syncconf on the interface's own settings (the key and port kept, no
// wg-quick keys), never bouncing the interface, then keeps it in peers.conf (mode 600). A failed
// read or a value wg refuses changes nothing and leaves no temporary file.
func TestPeersScriptAppliesThePeersLive(t *testing.T) {
	f := deployedFacts(t, baseArgs())
	s := boot(t, f, 0)
	// the units
	svc, _ := s.read(t, "etc/systemd/system/wg-peers.service")
	unit := ini(svc)
	execStart := strings.TrimPrefix(strings.Join(unit["Service"]["ExecStart"], ""), s.root)
	if execStart != "/usr/local/sbin/wg-peers" || strings.Join(unit["Service"]["Type"], "") != "oneshot" {
		t.Errorf("wg-peers.service runs %q (%v)", execStart, unit["Service"])
	}
	if fi, err := os.Stat(filepath.Join(s.root, execStart)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("%s: %v %v, want an executable only root runs", execStart, fi, err)
	}
	for _, k := range []string{"Requires", "After"} {
		if !slices.ContainsFunc(unit["Unit"][k], func(v string) bool { return slices.Contains(strings.Fields(v), "wg-quick@wg0.service") }) {
			t.Errorf("wg-peers.service %s=%v lacks wg-quick@wg0.service", k, unit["Unit"][k])
		}
	}
	if !slices.Contains(unit["Install"]["WantedBy"], "wg-quick@wg0.service") {
		t.Errorf("wg-peers.service does not run when wg0 starts: %v", unit["Install"])
	}
	tm, _ := s.read(t, "etc/systemd/system/wg-peers.timer")
	timer := ini(tm)
	if !slices.Equal(timer["Timer"]["OnCalendar"], []string{"minutely"}) || !slices.Contains(timer["Install"]["WantedBy"], "timers.target") {
		t.Errorf("wg-peers.timer %v", timer)
	}
	if u := timer["Timer"]["Unit"]; len(u) > 0 && u[0] != "wg-peers.service" {
		t.Errorf("the timer runs %v", u)
	}
	// a run: the parameter, applied live
	script := filepath.Join(s.root, execStart)
	if out, err := s.run(t, script); err != nil {
		t.Fatalf("wg-peers fails: %v\n%s", err, out)
	}
	var ssm, wg [][]string
	for _, c := range s.calls(t) {
		switch {
		case c[0] == "aws" && c[1] == "ssm":
			ssm = append(ssm, c)
		case c[0] == "wg":
			wg = append(wg, c)
		case c[0] == "systemctl" && !slices.Contains([]string{"daemon-reload", "enable"}, c[1]), c[0] == "wg-quick" && c[1] != "strip":
			t.Errorf("wg-peers touches the interface: %q", c)
		}
	}
	if len(ssm) != 1 || flag(ssm[0], "--name") != f.peersName || flag(ssm[0], "--region") != strings.Split(f.secretARN, ":")[3] || !slices.Contains(ssm[0], "get-parameter") {
		t.Errorf("ssm calls %q, want one read of %s", ssm, f.peersName)
	}
	if len(wg) != 1 || wg[0][1] != "syncconf" || wg[0][2] != "wg0" {
		t.Fatalf("wg calls %q, want one syncconf of wg0", wg)
	}
	appliedText, _ := s.read(t, "stub/applied")
	applied := ini(appliedText)
	if got := applied["Interface"]; fmt.Sprint(got) != fmt.Sprint(map[string][]string{"ListenPort": {fmt.Sprint(f.port)}, "PrivateKey": {f.privateKey}}) {
		t.Errorf("syncconf interface %v: want the key and port only (wg refuses wg-quick's keys)", got)
	}
	for _, peer := range baseArgs().Peers {
		if !strings.Contains(appliedText, peer.PublicKey) || !strings.Contains(appliedText, peer.AllowedIP) {
			t.Errorf("peer %s is not applied:\n%s", peer.Name, appliedText)
		}
	}
	kept, mode := s.read(t, "etc/wireguard/peers.conf")
	if strings.TrimSpace(kept) != strings.TrimSpace(f.peersValue) || mode != 0o600 {
		t.Errorf("peers.conf (mode %o) = %q, want the parameter's value", mode, kept)
	}
	// failures change nothing
	for _, fail := range []string{"ssm-fails", "wg-fails"} {
		s.write(t, "stub/"+fail, "")
		s.write(t, "stub/ssm-value", "[Peer]\nPublicKey = "+aliceKey+"\nAllowedIPs = 10.99.0.9/32\n")
		if _, err := s.run(t, script); err == nil {
			t.Errorf("%s: wg-peers succeeds", fail)
		}
		if now, _ := s.read(t, "etc/wireguard/peers.conf"); now != kept {
			t.Errorf("%s: peers.conf changed to %q", fail, now)
		}
		left, _ := filepath.Glob(filepath.Join(s.root, "etc", "wireguard", ".peers*"))
		if len(left) > 0 {
			t.Errorf("%s: temporary files left: %v", fail, left)
		}
		_ = os.Remove(filepath.Join(s.stubs, fail))
	}
}

// The boot script retries what the first minute may refuse (the role's policy not yet effective):
// a secret that answers only at the third try still boots the host.
func TestUserDataRetriesTheSecret(t *testing.T) {
	f := deployedFacts(t, baseArgs())
	s := boot(t, f, 2)
	n := 0
	for _, c := range s.calls(t) {
		if c[0] == "aws" && c[1] == "secretsmanager" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d secret reads, want 3", n)
	}
	if conf, _ := s.read(t, "etc/wireguard/wg0.conf"); !slices.Contains(ini(conf)["Interface"]["PrivateKey"], f.privateKey) {
		t.Errorf("wg0.conf after retries: %q", conf)
	}
}

// dnsmasq answers the tunnel only, on the server's tunnel address (not the wildcard, where
// systemd-resolved listens), forwards to the VPC resolver and nowhere else, and starts after and
// with the tunnel.
func TestUserDataDNSForwarder(t *testing.T) {
	for name, args := range gatewayVariants() {
		f := deployedFacts(t, args)
		s := boot(t, f, 0)
		text, _ := s.read(t, "etc/dnsmasq.conf")
		conf := ini(text)[""]
		if !slices.Equal(conf["listen-address"], []string{f.address.Addr().String()}) || conf["bind-interfaces"] == nil || conf["interface"] != nil {
			t.Errorf("%s: dnsmasq listens on %v (bind-interfaces %v), want only %s", name, conf["listen-address"], conf["bind-interfaces"], f.address.Addr())
		}
		if !slices.Equal(conf["server"], []string{"169.254.169.253"}) || conf["no-resolv"] == nil {
			t.Errorf("%s: dnsmasq forwards to %v (no-resolv %v), want the VPC resolver only", name, conf["server"], conf["no-resolv"])
		}
		dropIn, _ := s.read(t, "etc/systemd/system/dnsmasq.service.d/wireguard.conf")
		unit := ini(dropIn)["Unit"]
		for _, k := range []string{"Requires", "After"} {
			if !slices.ContainsFunc(unit[k], func(v string) bool { return slices.Contains(strings.Fields(v), "wg-quick@wg0.service") }) {
				t.Errorf("%s: dnsmasq %s=%v lacks wg-quick@wg0.service", name, k, unit[k])
			}
		}
	}
}
