package flows

import (
	"context"
	"errors"
	"time"
)

// Role is what a member of staff may do. Admins do everything; operators announce and see
// participants and results, but neither manage staff nor change the catalogue.
type Role string

// The roles.
const (
	RoleNone     Role = ""
	RoleOperator Role = "operator"
	RoleAdmin    Role = "admin"
)

// can reports whether role r covers the access a route asks for.
func (r Role) can(a access) bool {
	switch a {
	case staff:
		return r == RoleOperator || r == RoleAdmin
	case admin:
		return r == RoleAdmin
	}
	return true
}

// StaffMember is an admin or operator.
type StaffMember struct {
	TelegramID int64
	Role       Role
	Name       string
	AddedBy    int64
	AddedAt    time.Time
	Root       bool // from ADMIN_IDS: cannot be removed in chat
}

// Actor is who did an admin action, as the audit log names them.
type Actor struct {
	ID   int64 // Telegram user id; 0 for the command line
	Name string
}

// AuditEntry is one line of the audit log. Action is a code (see the locale keys audit.aksi.*).
type AuditEntry struct {
	At      time.Time
	Actor   Actor
	Action  string
	Subject string // what it was done to: a course code, a batch, an announcement, a person
	Detail  string
}

// Audit actions.
const (
	AuditImport       = "impor"
	AuditChangeBatch  = "ubah_jadwal"
	AuditCancelBatch  = "batal_angkatan"
	AuditOpenSurvey   = "buka_survei"
	AuditAnnounce     = "siaran"
	AuditAnnounceStop = "siaran_henti"
	AuditAnnounceDrop = "siaran_batal"
	AuditStaffAdd     = "tambah_staf"
	AuditStaffRemove  = "hapus_staf"
	AuditExport       = "ekspor"
	AuditTemplate     = "templat_survei"
	AuditClaim        = "klaim_nip"
	AuditAttendOpen   = "presensi_buka"
	AuditAttendClose  = "presensi_tutup"
	AuditAttendMark   = "presensi_tandai"
	AuditRevokeCert   = "cabut_sertifikat"
	// A training done elsewhere, approved or refused.
	AuditApproveExternal = "setujui_pelatihan_lain"
	AuditRefuseExternal  = "tolak_pelatihan_lain"
	auditLatestEntries   = 10
)

// Errors of staff management.
var (
	// ErrInviteUsed: the invitation was used already, or has expired.
	ErrInviteUsed = errors.New("invitation used or expired")
	// ErrRootAdmin: an admin from ADMIN_IDS cannot be changed in chat.
	ErrRootAdmin = errors.New("admin from configuration")
)

// Staff is what flows need of the admins, operators and the audit log in Postgres.
type Staff interface {
	// Role returns the role stored for a Telegram user (RoleNone when they are not staff).
	Role(ctx context.Context, telegramID int64) (Role, error)
	// StaffList returns the admins and operators added in chat, oldest first.
	StaffList(ctx context.Context) ([]StaffMember, error)
	// AddStaff gives m.TelegramID the role m.Role (a new member, or a changed role), with the
	// audit entry and the update of their command menu, in one transaction.
	AddStaff(ctx context.Context, m StaffMember, by Actor, now time.Time) error
	// RemoveStaff takes the role away; false when they had none.
	RemoveStaff(ctx context.Context, telegramID int64, by Actor, now time.Time) (bool, error)
	// CreateInvite stores a one-time invitation code for role, valid until expires.
	CreateInvite(ctx context.Context, code string, role Role, by Actor, expires, now time.Time) error
	// UseInvite gives the role of the invitation to who, once; ErrInviteUsed when it was
	// used or has expired, ErrNotFound when there is none.
	UseInvite(ctx context.Context, code string, who Actor, now time.Time) (Role, error)
	// Audit writes an entry of its own (an export, which changes nothing else).
	Audit(ctx context.Context, e AuditEntry) error
	// AuditLog returns the entries in [from, to), newest first, at most limit (0: all).
	AuditLog(ctx context.Context, from, to time.Time, limit int) ([]AuditEntry, error)
}

// role is the user's role: ADMIN_IDS are admins without asking Postgres; anyone else's is
// read once per input, and only when a staff route is asked for. A fault is kept for route,
// which reports it instead of answering.
func (c *conv) role() Role {
	if c.e.admins[c.in.UserID] {
		return RoleAdmin
	}
	if !c.roleRead {
		c.roleRead = true
		r, err := c.e.store.Role(c.ctx, c.in.UserID)
		if err != nil {
			c.fault = err
		}
		c.myRole = r
	}
	return c.myRole
}

func (c *conv) isAdmin() bool { return c.role() == RoleAdmin }

// actor is the user as the audit log names them.
func (c *conv) actor() Actor {
	name := c.in.FirstName
	if c.p != nil {
		name = c.p.Name
	}
	return Actor{ID: c.in.UserID, Name: name}
}

// notAllowed answers a staff route used by someone without the role: a command, a button
// with hand-made data, a file. Nothing is done.
func (c *conv) notAllowed() error {
	if c.callback() {
		c.toast(T("admin.tidak_berhak_singkat"))
		return nil
	}
	c.say(Reply{Text: T("admin.tidak_berhak")})
	return nil
}

// StaffCommands is a job that sets a person's command menu in Telegram to their role, after
// the role was given or taken away.
type StaffCommands struct {
	TelegramID int64 `json:"telegram_id"`
}

// Kind implements river.JobArgs.
func (StaffCommands) Kind() string { return "staff_commands" }
