package sqlserver

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// restoreSection is the README's restore procedure for the SQL Server host.
func restoreSection(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- sqlserver:restore:begin -->", "<!-- sqlserver:restore:end -->"
	_, rest, ok := strings.Cut(string(b), begin)
	section, _, closed := strings.Cut(rest, end)
	if !ok || !closed {
		t.Fatal("README has no SQL Server restore procedure between the markers")
	}
	return section
}

// The README's restore procedure matches the component: its device table is the host's drives
// (device, letter, folder, the tag its volumes carry), the recovery points it lists are of the
// resource type the backup selection holds (the instance alone), the temporary volumes it
// attaches use devices and letters no drive of the host uses, the folders it copies are the
// drives' folders, and it never touches the component's own volumes, attachments or state.
func TestRestoreProcedureMatchesTheHost(t *testing.T) {
	text := restoreSection(t)
	doc := build(t, baseArgs(), true)
	drives := baseArgs().withDefaults().drives()

	// the device table
	row := regexp.MustCompile("(?m)^\\| `(xvd[a-z])` \\| `([A-Z]):` \\| `([A-Z]:\\\\[A-Za-z]+)` \\| `([a-z]+)` \\|$")
	rows := row.FindAllStringSubmatch(text, -1)
	if len(rows) != len(drives) {
		t.Fatalf("device table has %d rows for %d drives", len(rows), len(drives))
	}
	for i, d := range drives {
		if got, want := rows[i][1:], []string{d.device, d.letter, d.letter + `:\` + d.label, d.key}; !slices.Equal(got, want) {
			t.Errorf("device table row %d = %q, want %q", i, got, want)
		}
		vol := one(t, doc, typVolume, "prod-"+d.key)
		if obj(vol.Inputs["tags"])["SQLServerVolume"] != d.key || !strings.Contains(text, "tag `SQLServerVolume`") || !strings.Contains(text, "tag:SQLServerVolume,Values=data") {
			t.Errorf("the %s volume is not found by the tag the procedure names (%v)", d.key, vol.Inputs["tags"])
		}
	}
	// the recovery point: an EC2 one, what the selection holds
	sel := strList(one(t, doc, typSelection, "prod-backup-selection").Inputs["resources"])
	if len(sel) != 1 || !strings.Contains(sel[0], ":instance/") || !strings.Contains(text, "--by-resource-type EC2") || !strings.Contains(text, "sqlServerBackupVault") {
		t.Errorf("the procedure lists EC2 recovery points of the vault; the selection holds %v", sel)
	}
	// the temporary volumes: spare devices and free letters
	var devices, letters []string
	for _, d := range drives {
		devices, letters = append(devices, d.device), append(letters, d.letter)
	}
	spare := regexp.MustCompile(`--device (xvd[a-z])`).FindAllStringSubmatch(text, -1)
	if len(spare) == 0 {
		t.Fatal("the procedure attaches no temporary volume")
	}
	for _, m := range spare {
		if slices.Contains(devices, m[1]) {
			t.Errorf("a temporary volume is attached at %s, a device of the host", m[1])
		}
	}
	for _, m := range regexp.MustCompile(`-NewDriveLetter ([A-Z])`).FindAllStringSubmatch(text, -1) {
		if slices.Contains(letters, m[1]) || m[1] == "C" {
			t.Errorf("a temporary volume takes the letter %s of the host", m[1])
		}
	}
	// the copies go from the temporary drives' folders to the host's data and log folders
	for _, key := range []string{"data", "log"} {
		i := slices.IndexFunc(drives, func(d drive) bool { return d.key == key })
		if !strings.Contains(text, "over `"+drives[i].letter+`:\`+drives[i].label+"`") {
			t.Errorf("the procedure does not copy the %s files over %s:\\%s", key, drives[i].letter, drives[i].label)
		}
	}
	// the component's resources are left alone
	for _, never := range []string{"pulumi state delete", "pulumi import", "--replace", "state unprotect", "--volume-id <sqlServer"} {
		if strings.Contains(text, never) {
			t.Errorf("the restore procedure runs %q", never)
		}
	}
}
