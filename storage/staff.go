package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/bpsdm/asnbot/flows"
)

// Staff (admins and operators added in chat), their one-time invitations, and the audit log
// every admin action writes in its own transaction.

// audit writes an audit entry inside tx.
func audit(tx *gorm.DB, at time.Time, by flows.Actor, action, subject, detail string) error {
	return mapErr(tx.Exec(`INSERT INTO audit_log (at, actor, actor_name, action, subject, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		at.UTC(), by.ID, by.Name, action, subject, detail).Error, "audit")
}

// Audit implements flows.Staff.
func (db *DB) Audit(ctx context.Context, e flows.AuditEntry) error {
	return audit(db.gorm.WithContext(ctx), e.At, e.Actor, e.Action, e.Subject, e.Detail)
}

// AuditLog implements flows.Staff.
func (db *DB) AuditLog(ctx context.Context, from, to time.Time, limit int) ([]flows.AuditEntry, error) {
	var rows []struct {
		At                      time.Time
		Actor                   int64
		ActorName               string
		Action, Subject, Detail string
	}
	q := db.gorm.WithContext(ctx).Table("audit_log").Where("at >= ? AND at < ?", from.UTC(), to.UTC()).Order("at DESC, id DESC")
	if limit > 0 {
		q = q.Limit(limit)
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, mapErr(err, "audit log")
	}
	out := make([]flows.AuditEntry, 0, len(rows))
	for _, r := range rows {
		out = append(out, flows.AuditEntry{At: r.At, Actor: flows.Actor{ID: r.Actor, Name: r.ActorName},
			Action: r.Action, Subject: r.Subject, Detail: r.Detail})
	}
	return out, nil
}

// Role implements flows.Staff.
func (db *DB) Role(ctx context.Context, telegramID int64) (flows.Role, error) {
	var role string
	res := db.gorm.WithContext(ctx).Raw("SELECT role FROM staff WHERE telegram_id = ?", telegramID).Scan(&role)
	if res.Error != nil {
		return flows.RoleNone, mapErr(res.Error, "role")
	}
	return flows.Role(role), nil
}

// StaffList implements flows.Staff.
func (db *DB) StaffList(ctx context.Context) ([]flows.StaffMember, error) {
	var rows []struct {
		TelegramID int64
		Role, Name string
		AddedBy    int64
		AddedAt    time.Time
	}
	if err := db.gorm.WithContext(ctx).Table("staff").Order("added_at, telegram_id").Scan(&rows).Error; err != nil {
		return nil, mapErr(err, "staff")
	}
	out := make([]flows.StaffMember, 0, len(rows))
	for _, r := range rows {
		out = append(out, flows.StaffMember{TelegramID: r.TelegramID, Role: flows.Role(r.Role), Name: r.Name,
			AddedBy: r.AddedBy, AddedAt: r.AddedAt})
	}
	return out, nil
}

// AddStaff implements flows.Staff.
func (db *DB) AddStaff(ctx context.Context, m flows.StaffMember, by flows.Actor, now time.Time) error {
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return db.addStaff(ctx, tx, m, by, now)
	})
}

func (db *DB) addStaff(ctx context.Context, tx *gorm.DB, m flows.StaffMember, by flows.Actor, now time.Time) error {
	err := tx.Exec(`INSERT INTO staff (telegram_id, role, name, added_by, added_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (telegram_id) DO UPDATE SET role = EXCLUDED.role,
			name = CASE WHEN EXCLUDED.name <> '' THEN EXCLUDED.name ELSE staff.name END`,
		m.TelegramID, string(m.Role), m.Name, by.ID, now.UTC()).Error
	if err != nil {
		return mapErr(err, "add staff")
	}
	if err := audit(tx, now, by, flows.AuditStaffAdd, fmt.Sprint(m.TelegramID), string(m.Role)+" "+m.Name); err != nil {
		return err
	}
	return db.plan(ctx, tx, river.InsertManyParams{Args: flows.StaffCommands{TelegramID: m.TelegramID}})
}

// RemoveStaff implements flows.Staff.
func (db *DB) RemoveStaff(ctx context.Context, telegramID int64, by flows.Actor, now time.Time) (bool, error) {
	removed := false
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var role string
		res := tx.Raw("DELETE FROM staff WHERE telegram_id = ? RETURNING role", telegramID).Scan(&role)
		if res.Error != nil || res.RowsAffected == 0 {
			return mapErr(res.Error, "remove staff")
		}
		removed = true
		// The links they made and nobody used go with their role.
		if err := tx.Exec("DELETE FROM staff_invites WHERE created_by = ? AND used_by IS NULL", telegramID).Error; err != nil {
			return mapErr(err, "drop invites")
		}
		if err := audit(tx, now, by, flows.AuditStaffRemove, fmt.Sprint(telegramID), role); err != nil {
			return err
		}
		return db.plan(ctx, tx, river.InsertManyParams{Args: flows.StaffCommands{TelegramID: telegramID}})
	})
	return removed, err
}

// CreateInvite implements flows.Staff.
func (db *DB) CreateInvite(ctx context.Context, code string, role flows.Role, by flows.Actor, expires, now time.Time) error {
	return mapErr(db.gorm.WithContext(ctx).Exec(`INSERT INTO staff_invites (code, role, created_by, expires_at) VALUES (?, ?, ?, ?)`,
		code, string(role), by.ID, expires.UTC()).Error, "create invite")
}

// UseInvite implements flows.Staff: the invitation is taken and the role given in one
// transaction, so a link opened twice (or by two people) gives one role once.
func (db *DB) UseInvite(ctx context.Context, code string, who flows.Actor, now time.Time) (flows.Role, error) {
	var role flows.Role
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var inv struct {
			Role      string
			CreatedBy int64
			ExpiresAt time.Time
			UsedBy    *int64
		}
		res := tx.Raw("SELECT role, created_by, expires_at, used_by FROM staff_invites WHERE code = ? FOR UPDATE", code).Scan(&inv)
		switch {
		case res.Error != nil:
			return mapErr(res.Error, "invite")
		case res.RowsAffected == 0:
			return flows.ErrNotFound
		case inv.UsedBy != nil && *inv.UsedBy == who.ID:
			// The same person opening the link again: fine while they hold the role.
			var held string
			if err := tx.Raw("SELECT role FROM staff WHERE telegram_id = ?", who.ID).Scan(&held).Error; err != nil {
				return mapErr(err, "role held")
			}
			if held == "" {
				return flows.ErrInviteUsed
			}
			role = flows.Role(held)
			return nil
		case inv.UsedBy != nil, !now.Before(inv.ExpiresAt):
			return flows.ErrInviteUsed
		}
		if err := tx.Exec("UPDATE staff_invites SET used_by = ?, used_at = ? WHERE code = ?", who.ID, now.UTC(), code).Error; err != nil {
			return mapErr(err, "use invite")
		}
		role = flows.Role(inv.Role)
		return db.addStaff(ctx, tx, flows.StaffMember{TelegramID: who.ID, Role: role, Name: who.Name},
			flows.Actor{ID: inv.CreatedBy, Name: "undangan"}, now)
	})
	return role, err
}
