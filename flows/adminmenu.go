package flows

import (
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bpsdm/asnbot/flows/document"
)

// /admin: one menu of everything staff can do, each line shown only to the roles that may
// use it; the pages it opens edit the menu in place and lead back to it.

const (
	nsAdmin = "adm" // the admin menu and its pages
	nsStaff = "st"  // managing admins and operators
)

// adminMenu is the menu for the user's role; an admin's shows how many NIP claims wait.
func (c *conv) adminMenu(edit bool) (Reply, error) {
	isAdmin := c.isAdmin()
	rows := [][]Button{{Btn("admin.m_siaran", cb(nsAdmin, "siaran")), Btn("admin.m_terjadwal", cb(nsAdmin, "terjadwal"))},
		{Btn("admin.m_peserta", cb(nsAdmin, "peserta")), Btn("admin.m_hasil", cb(nsAdmin, "hasil"))}}
	if isAdmin {
		claims, err := c.e.store.CountPendingClaims(c.ctx)
		if err != nil {
			return Reply{}, fmt.Errorf("pending claims: %w", err)
		}
		rows = append(rows,
			[]Button{Btn("admin.m_katalog", cb(nsAdmin, "katalog")), Btn("admin.m_jadwal", cb(nsAdmin, "jadwal"))},
			[]Button{Btn("admin.m_staf", cb(nsAdmin, "staf")), Btn("admin.m_audit", cb(nsAdmin, "audit"))},
			[]Button{{Label: T("admin.m_klaim", "Count", claims), Data: cb(nsAdmin, "klaim")}})
	}
	return Reply{Edit: edit, Text: T("admin.menu", "Role", string(c.role())), Buttons: rows}, nil
}

func (c *conv) adminCommand() error { return c.showAdminMenu(false) }

func (c *conv) adminHome() error { return c.showAdminMenu(true) }

func (c *conv) showAdminMenu(edit bool) error {
	c.clear()
	r, err := c.adminMenu(edit)
	if err != nil {
		return err
	}
	c.say(r)
	return nil
}

func adminBack() []Button { return []Button{Btn("admin.kembali", cb(nsAdmin, "home"))} }

// adminHowTo is a page that tells how to use a command that takes a course code.
func (c *conv) adminHowTo() error {
	key := map[string]string{"peserta": "admin.cara_peserta", "hasil": "admin.cara_hasil",
		"katalog": "admin.cara_katalog", "jadwal": "admin.cara_jadwal"}[c.data.action]
	c.say(Reply{Edit: true, Text: T(key), Buttons: [][]Button{adminBack()}})
	return nil
}

// staffPage lists the admins and operators, with what can be done to each.
func (c *conv) staffPage() error {
	c.clear()
	list, err := c.e.store.StaffList(c.ctx)
	if err != nil {
		return fmt.Errorf("staff list: %w", err)
	}
	lines := make([]Text, 0, len(c.e.admins)+len(list))
	for id := range c.e.admins {
		lines = append(lines, T("staf.baris_akar", "ID", id))
	}
	var rows [][]Button
	for _, m := range list {
		if c.e.admins[m.TelegramID] {
			continue
		}
		lines = append(lines, T("staf.baris", "Name", m.Name, "ID", m.TelegramID, "Role", string(m.Role),
			"Since", dateOnly(m.AddedAt.In(c.e.zone))))
		rows = append(rows, []Button{{Label: T("staf.hapus_tombol", "Name", shortLabel(m.Name, m.TelegramID)),
			Data: cb(nsStaff, "x", m.TelegramID)}})
	}
	rows = append(rows, []Button{Btn("staf.tambah_admin", cb(nsStaff, "add", string(RoleAdmin))),
		Btn("staf.tambah_operator", cb(nsStaff, "add", string(RoleOperator)))}, adminBack())
	c.say(Reply{Edit: c.callback(), Text: T("staf.daftar", "Lines", lines), Buttons: rows})
	return nil
}

// shortLabel is a name that fits a button, or the id when there is none.
func shortLabel(name string, id int64) string {
	if name == "" {
		return fmt.Sprint(id)
	}
	return cutRunes(name, 18)
}

const (
	flowStaff    = "staf"
	stepStaffWho = "who"

	inviteValid = 24 * time.Hour
)

// staffAdd asks who is to get a role: a forwarded message of theirs, their user id, or the
// one-time link, made now, that they open themselves.
func (c *conv) staffAdd() error {
	role := Role(c.data.arg(0))
	if role != RoleAdmin && role != RoleOperator {
		return c.expired()
	}
	code, err := randomCode()
	if err != nil {
		return err
	}
	now := c.e.now()
	if err := c.e.store.CreateInvite(c.ctx, code, role, c.actor(), now.Add(inviteValid), now); err != nil {
		return fmt.Errorf("create invite: %w", err)
	}
	c.set(State{Flow: flowStaff, Step: stepStaffWho, StaffRole: string(role)})
	link := "https://t.me/" + c.e.username + "?start=adm_" + code
	c.say(Reply{Edit: true, Text: T("staf.tambah_cara", "Role", string(role), "Link", link, "Until", now.Add(inviteValid).In(c.e.zone)),
		Buttons: [][]Button{{Btn("admin.kembali", cb(nsStaff, "list"))}}})
	return nil
}

// staffWho takes who the admin named: a forwarded message or a typed user id.
func (c *conv) staffWho() error {
	var id int64
	name := ""
	switch {
	case c.in.Forward != nil && c.in.Forward.Hidden:
		c.say(Reply{Text: T("staf.tersembunyi")})
		return nil
	case c.in.Forward != nil:
		id, name = c.in.Forward.UserID, c.in.Forward.Name
	case c.in.Kind == KindText:
		n, ok := parseUserID(c.in.Text)
		if !ok {
			c.say(Reply{Text: T("staf.bukan_id")})
			return nil
		}
		id = n
	default:
		c.say(Reply{Text: T("staf.bukan_id")})
		return nil
	}
	if c.e.admins[id] {
		c.say(Reply{Text: T("staf.sudah_akar")})
		return nil
	}
	if p, err := c.e.store.Participant(c.ctx, id); err == nil {
		name = p.Name
	}
	role := Role(c.st.StaffRole)
	if err := c.e.store.AddStaff(c.ctx, StaffMember{TelegramID: id, Role: role, Name: name}, c.actor(), c.e.now()); err != nil {
		return fmt.Errorf("add staff: %w", err)
	}
	c.clear()
	c.say(Reply{Text: T("staf.ditambahkan", "Name", shortLabel(name, id), "Role", string(role)),
		Buttons: [][]Button{{Btn("admin.m_staf", cb(nsAdmin, "staf"))}}})
	return nil
}

// parseUserID reads a Telegram user id as typed: digits only, possibly spaced.
func parseUserID(s string) (int64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	var n int64
	if s == "" || len(s) > 15 {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int64(r-'0')
	}
	return n, n > 0
}

// staffAskRemove asks before a role is taken away.
func (c *conv) staffAskRemove() error {
	id, ok := c.data.id(0)
	if !ok || c.e.admins[id] {
		return c.expired()
	}
	c.say(Reply{Edit: true, Text: T("staf.hapus_tanya", "ID", id),
		Buttons: [][]Button{{Btn("staf.hapus_ya", cb(nsStaff, "y", id)), Btn("admin.kembali", cb(nsStaff, "list"))}}})
	return nil
}

func (c *conv) staffRemove() error {
	id, ok := c.data.id(0)
	if !ok || c.e.admins[id] {
		return c.expired()
	}
	if id == c.in.UserID {
		c.toast(T("staf.bukan_diri"))
		return nil
	}
	removed, err := c.e.store.RemoveStaff(c.ctx, id, c.actor(), c.e.now())
	if err != nil {
		return fmt.Errorf("remove staff: %w", err)
	}
	if !removed {
		c.toast(T("tombol.kedaluwarsa"))
	} else {
		c.toast(T("staf.dihapus"))
	}
	return c.staffPage()
}

// acceptInvite answers /start adm_<code>: the invitation's role, once.
func (c *conv) acceptInvite(code string) error {
	c.clear()
	role, err := c.e.store.UseInvite(c.ctx, code, c.actor(), c.e.now())
	switch {
	case err == nil:
		c.say(Reply{Text: T("staf.undangan_diterima", "Role", string(role))})
		return nil
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrInviteUsed):
		c.say(Reply{Text: T("staf.undangan_tidak_berlaku")})
		return nil
	}
	return fmt.Errorf("use invite: %w", err)
}

// auditPage shows the latest entries of the audit log.
func (c *conv) auditPage() error {
	now := c.e.now()
	entries, err := c.e.store.AuditLog(c.ctx, time.Time{}, now.Add(time.Minute), auditLatestEntries)
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	lines := make([]Text, 0, len(entries))
	for _, e := range entries {
		lines = append(lines, auditLine(e, c.e.zone))
	}
	c.say(Reply{Edit: c.callback(), Text: T("audit.terbaru", "Lines", lines, "Empty", len(lines) == 0),
		Buttons: [][]Button{{Btn("audit.unduh_30", cb(nsAdmin, "auditx"))}, adminBack()}})
	return nil
}

func auditLine(e AuditEntry, zone *time.Location) Text {
	return T("audit.baris", "At", e.At.In(zone).Format("02/01 15.04"), "Who", shortLabel(e.Actor.Name, e.Actor.ID),
		"Action", T("audit.aksi."+e.Action), "Subject", e.Subject)
}

// auditLast30 sends the last 30 days of the log as a spreadsheet.
func (c *conv) auditLast30() error {
	now := c.e.now()
	return c.auditFile(now.AddDate(0, 0, -30), now.Add(time.Minute))
}

// auditCommand answers /audit [YYYY-MM [YYYY-MM]]: the latest entries, or a period's file.
func (c *conv) auditCommand() error {
	args := strings.Fields(c.in.Text)
	if len(args) == 0 {
		return c.auditPage()
	}
	from, to, ok := monthRange(args, c.e.zone)
	if !ok {
		c.say(Reply{Text: T("audit.cara")})
		return nil
	}
	return c.auditFile(from, to)
}

func (c *conv) auditFile(from, to time.Time) error {
	entries, err := c.e.store.AuditLog(c.ctx, from, to, 0)
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	t := document.Table{Header: []string{"waktu", "id_pengguna", "nama", "aksi", "sasaran", "rincian"}}
	for _, e := range entries {
		t.Rows = append(t.Rows, []string{e.At.In(c.e.zone).Format("2006-01-02 15:04:05"), fmt.Sprint(e.Actor.ID),
			e.Actor.Name, e.Action, e.Subject, e.Detail})
	}
	content, err := t.XLSX()
	if err != nil {
		return fmt.Errorf("audit file: %w", err)
	}
	name := "audit-" + from.In(c.e.zone).Format("20060102") + "-" + to.In(c.e.zone).Format("20060102") + ".xlsx"
	if err := c.auditExport(name, len(entries)); err != nil {
		return err
	}
	c.say(Reply{File: &File{Name: name, Content: content, Caption: T("audit.berkas", "Count", len(entries),
		"From", dateOnly(from.In(c.e.zone)), "To", dateOnly(to.Add(-time.Minute).In(c.e.zone)))}})
	return nil
}

// randomCode is an unguessable code for a link (an invitation, an announcement's draft).
func randomCode() (string, error) {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random code: %w", err)
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)), nil
}

// auditExport writes an export (a file of personal data or results) to the audit log, before
// the file goes.
func (c *conv) auditExport(name string, rows int) error {
	err := c.e.store.Audit(c.ctx, AuditEntry{At: c.e.now(), Actor: c.actor(), Action: AuditExport, Subject: name,
		Detail: fmt.Sprintf("%d baris", rows)})
	if err != nil {
		return fmt.Errorf("audit the export: %w", err)
	}
	return nil
}
