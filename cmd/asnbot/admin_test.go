package main

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"
	"github.com/xuri/excelize/v2"
)

// TestNonStaffIsRefusedEverywhere: every staff entry point, typed or pressed with hand-made
// data, gets one polite refusal from a participant, and nothing is stored.
func TestNonStaffIsRefusedEverywhere(t *testing.T) {
	t.Parallel()
	admin := newUserID()
	h := newHarness(t, map[string]string{"ADMIN_IDS": itoa(admin), "FLOOD_LIMIT": "1000"})
	h.seed(course("ADM-01", "Manajemen ASN", batch("Angkatan I", 30, 2, 5)))
	p := h.tg.User(newUserID(), "Putri")
	h.seedParticipant(p, 11)
	p.Send("/start")
	nextWith(t, p, "Menu Utama")

	for _, cmd := range []string{"/admin", "/siaran", "/audit", "/peserta ADM-01", "/hasil ADM-01", "/ubahjadwal ADM-01"} {
		p.Send(cmd)
		expect(t, p, "khusus untuk admin")
	}
	p.SendDocument("katalog.csv", []byte("kode,judul\nX,Y\n"))
	expect(t, p, "khusus untuk admin")
	id := itoa(h.batchID("ADM-01", "Angkatan I"))
	forged := []string{"adm:home", "adm:siaran", "adm:terjadwal", "adm:peserta", "adm:staf", "adm:audit", "adm:auditx",
		"st:list", "st:add:admin", "st:x:" + itoa(admin), "st:y:" + itoa(admin), "sr:h:1", "sr:c:1", "sr:cy:1", "sr:a:semua",
		"j:b:" + id, "j:x:" + id, "h:b:ADM-01:0", "adm:klaim", "nc:v:1", "nc:k:1:0", "nc:g:1:0"}
	menu := p.Messages()[len(p.Messages())-1]
	before := len(p.CallbackAnswers())
	for _, data := range forged {
		p.PressData(menu, data)
	}
	h.tg.WaitIdle(t)
	answers := p.CallbackAnswers()[before:]
	if len(answers) != len(forged) {
		t.Fatalf("%d answers to %d presses", len(answers), len(forged))
	}
	for i, a := range answers {
		if !strings.Contains(a.Text, "khusus admin") {
			t.Errorf("%s answered %q", forged[i], a.Text)
		}
	}
	var staff, invites, announcements int64
	h.db.Gorm().Raw("SELECT count(*) FROM staff").Scan(&staff)
	h.db.Gorm().Raw("SELECT count(*) FROM staff_invites").Scan(&invites)
	h.db.Gorm().Raw("SELECT count(*) FROM announcements").Scan(&announcements)
	if staff+invites+announcements != 0 {
		t.Errorf("a refused user changed something: %d staff, %d invites, %d announcements", staff, invites, announcements)
	}
	if n := len(p.Messages()); p.Messages()[n-1].ID != menu.ID && !strings.Contains(p.Messages()[n-1].Text, "khusus") {
		t.Errorf("a forged press sent %q", p.Messages()[n-1].Text)
	}
}

var inviteLink = regexp.MustCompile(`start=adm_([a-z0-9]+)`)

// TestStaffRolesAndAuditLog: an admin adds an operator by an invitation link and an admin by
// a forwarded message, the operator may announce but not change the schedule, a removed
// operator is refused, each menu of commands follows the role, and the audit log shows it all.
func TestStaffRolesAndAuditLog(t *testing.T) {
	t.Parallel()
	root := newUserID()
	h := newHarness(t, map[string]string{"ADMIN_IDS": itoa(root), "FLOOD_LIMIT": "1000"})
	a := h.tg.User(root, "Rina")
	a.Send("/admin")
	menu := expect(t, a, "Menu Admin")
	for _, label := range []string{"📢 Siaran", "🛡 Admin & operator", "📜 Log audit", "📥 Impor katalog"} {
		if !hasButton(menu, label) {
			t.Errorf("the admin menu lacks %q: %v", label, menu.ButtonTexts())
		}
	}
	a.Send("/bantuan")
	expect(t, a, "/siaran", "/ubahjadwal", "/audit")

	// An operator, by a one-time link.
	a.Press(t, menu, "🛡 Admin & operator")
	list := expect(t, a, "Admin & operator", itoa(root), "ADMIN_IDS")
	a.Press(t, list, "➕ Operator")
	how := expect(t, a, "Tambah operator", "Teruskan", "https://t.me/asn_test_bot?start=adm_")
	code := inviteLink.FindStringSubmatch(how.Text)[1]
	o := h.tg.User(newUserID(), "Oki")
	o.Send("/start adm_" + code)
	expect(t, o, "Anda sekarang operator", "/admin")
	x := h.tg.User(newUserID(), "Xena")
	x.Send("/start adm_" + code)
	expect(t, x, "sudah dipakai")
	a.Send("/batal") // leaves the "add" step
	expect(t, a, "dibatalkan")

	o.Send("/admin")
	omenu := expect(t, o, "Menu Operator")
	if hasButton(omenu, "🛡 Admin & operator") || hasButton(omenu, "📥 Impor katalog") || !hasButton(omenu, "📢 Siaran") {
		t.Errorf("an operator's menu: %v", omenu.ButtonTexts())
	}
	o.Send("/ubahjadwal X")
	expect(t, o, "khusus untuk admin")
	o.SendDocument("katalog.csv", []byte("kode\n"))
	expect(t, o, "khusus untuk admin")
	o.Send("/bantuan")
	if m := expect(t, o, "/siaran"); strings.Contains(m.Text, "/ubahjadwal") {
		t.Errorf("an operator's help lists admin commands: %q", m.Text)
	}
	o.Send("/siaran")
	expect(t, o, "Kepada siapa")
	o.Send("/batal")
	expect(t, o, "dibatalkan")
	waitJobs(t, h, "staff_commands")
	ocmds := names(h.tg.Commands("chat:" + itoa(o.ID)))
	if !slices.Contains(ocmds, "siaran") || slices.Contains(ocmds, "ubahjadwal") || slices.Contains(ocmds, "audit") {
		t.Errorf("an operator's commands: %v", ocmds)
	}

	// An admin, by a forwarded message; a hidden account is explained.
	b := h.tg.User(newUserID(), "Bayu")
	a.Send("/admin")
	menu = expect(t, a, "Menu Admin")
	a.Press(t, menu, "🛡 Admin & operator")
	list = expect(t, a, "Oki", "operator")
	a.Press(t, list, "➕ Admin")
	expect(t, a, "Tambah admin")
	a.Forward(b, "halo", true)
	expect(t, a, "disembunyikan")
	a.Send("bukan angka")
	expect(t, a, "belum dapat dikenali")
	a.Forward(b, "halo", false)
	expect(t, a, "Bayu sekarang admin")
	b.Send("/audit")
	expect(t, b, "Log audit", "Tambah admin/operator")

	// The operator removed: refused from then on, and their command menu reset.
	a.Send("/admin")
	menu = expect(t, a, "Menu Admin")
	a.Press(t, menu, "🛡 Admin & operator")
	list = expect(t, a, "Oki", "Bayu")
	a.Press(t, list, "➖ Oki")
	ask := expect(t, a, "Cabut peran", itoa(o.ID))
	a.Press(t, ask, "➖ Ya, cabut")
	after := expect(t, a, "Admin & operator")
	if strings.Contains(after.Text, "Oki") {
		t.Errorf("the operator is still listed: %q", after.Text)
	}
	o.Send("/siaran")
	expect(t, o, "khusus untuk admin")
	waitJobs(t, h, "staff_commands")
	deleted := false
	for _, c := range h.tg.Calls("deleteMyCommands") {
		deleted = deleted || strings.Contains(c.Params["scope"], itoa(o.ID))
	}
	if !deleted {
		t.Error("the removed operator's command menu was not reset")
	}

	// The audit log: the latest entries, and a spreadsheet of the period.
	a.Send("/audit")
	log := expect(t, a, "Log audit", "Tambah admin/operator", "Cabut admin/operator", "Rina")
	a.Press(t, log, "📄 Unduh 30 hari")
	file := a.Next(t)
	if file.Document == nil || !strings.HasSuffix(file.Document.Name, ".xlsx") {
		t.Fatalf("the audit file: %+v", file)
	}
	rows := sheetRows(t, file.Document.Content)
	var actions []string
	for _, r := range rows[1:] {
		actions = append(actions, r[3])
	}
	for _, want := range []string{"tambah_staf", "hapus_staf"} {
		if !slices.Contains(actions, want) {
			t.Errorf("the audit file lacks %s: %v", want, actions)
		}
	}
	a.Send("/audit 2026-11")
	if m := a.Next(t); m.Document == nil || !strings.Contains(m.Caption, "catatan") {
		t.Errorf("/audit 2026-11: %+v", m)
	}
	a.Send("/audit kemarin")
	expect(t, a, "Tulis periodenya")
	var exports int64
	h.db.Gorm().Raw("SELECT count(*) FROM audit_log WHERE action = 'ekspor' AND actor = ?", root).Scan(&exports)
	if exports != 2 {
		t.Errorf("%d exports audited, want 2", exports)
	}
}

func names(cmds []models.BotCommand) []string {
	out := make([]string, 0, len(cmds))
	for _, c := range cmds {
		out = append(out, c.Command)
	}
	return out
}

// sheetRows reads the first sheet of a workbook.
func sheetRows(t *testing.T, content []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
