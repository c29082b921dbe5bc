package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/asn"
)

var _ flows.Store = (*DB)(nil)

// participantRow is the participants table.
type participantRow struct {
	ID            int64 `gorm:"primaryKey"`
	TelegramID    int64
	ChatID        int64
	Name          string
	NIP           *string `gorm:"column:nip"` // NULL: moved to the account that claimed it
	Kind          string
	Agency        string
	WorkUnit      string
	JobTitle      string
	Grade         string
	Phone         string
	ConsentAt     time.Time
	UnreachableAt *time.Time
	RemindersOff  bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (participantRow) TableName() string { return "participants" }

func (r participantRow) domain() flows.Participant {
	return flows.Participant{
		ID: r.ID, TelegramID: r.TelegramID, ChatID: r.ChatID, Name: r.Name, NIP: deref(r.NIP),
		Kind: asn.Kind(r.Kind), Agency: r.Agency, Unit: r.WorkUnit, Position: r.JobTitle,
		Rank: r.Grade, Phone: r.Phone, ConsentAt: r.ConsentAt, Unreachable: r.UnreachableAt != nil, RemindersOff: r.RemindersOff,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

func rowOf(p flows.Participant) participantRow {
	return participantRow{
		ID: p.ID, TelegramID: p.TelegramID, ChatID: p.ChatID, Name: p.Name, NIP: nullable(p.NIP),
		Kind: string(p.Kind), Agency: p.Agency, WorkUnit: p.Unit, JobTitle: p.Position,
		Grade: p.Rank, Phone: p.Phone, ConsentAt: p.ConsentAt,
	}
}

// deref is what p points to, or the zero value for NULL.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// nullable is s, or NULL when it is empty.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Participant implements flows.Store.
//
// Every update asks it, so it is one prepared statement scanned by hand, without GORM's
// reflection.
func (db *DB) Participant(ctx context.Context, telegramID int64) (flows.Participant, error) {
	var r participantRow
	err := db.sql.QueryRowContext(ctx, `SELECT id, telegram_id, chat_id, name, nip, kind, agency, work_unit, job_title, grade,
			phone, consent_at, unreachable_at, reminders_off, created_at, updated_at FROM participants WHERE telegram_id = $1`,
		telegramID).Scan(&r.ID, &r.TelegramID, &r.ChatID, &r.Name, &r.NIP, &r.Kind, &r.Agency, &r.WorkUnit, &r.JobTitle,
		&r.Grade, &r.Phone, &r.ConsentAt, &r.UnreachableAt, &r.RemindersOff, &r.CreatedAt, &r.UpdatedAt)
	if err != nil {
		return flows.Participant{}, mapErr(err, "participant")
	}
	return r.domain(), nil
}

// NIPOwner implements flows.Store.
func (db *DB) NIPOwner(ctx context.Context, nip string) (int64, error) {
	var r participantRow
	err := db.gorm.WithContext(ctx).Select("telegram_id").Where("nip = ?", nip).Take(&r).Error
	if err != nil {
		return 0, mapErr(err, "nip owner")
	}
	return r.TelegramID, nil
}

// SaveParticipant implements flows.Store: an upsert on the Telegram id, so a handler that runs
// twice for the same update writes the same row.
func (db *DB) SaveParticipant(ctx context.Context, p *flows.Participant) error {
	r := rowOf(*p)
	r.ID = 0
	err := db.gorm.WithContext(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "telegram_id"}},
		DoUpdates: clause.Assignments(map[string]any{
			"chat_id": r.ChatID, "name": r.Name, "nip": r.NIP, "kind": r.Kind, "agency": r.Agency,
			"work_unit": r.WorkUnit, "job_title": r.JobTitle, "grade": r.Grade, "phone": r.Phone,
			"unreachable_at": nil, "updated_at": gorm.Expr("now()"),
		}),
	}).Create(&r).Error
	if err != nil {
		return mapErr(err, "save participant")
	}
	saved, err := db.Participant(ctx, p.TelegramID)
	if err != nil {
		return err
	}
	*p = saved
	return nil
}

// DeleteParticipant implements flows.Store. The participant is locked first, then, in id order,
// every batch where they hold a seat or wait (the order Enrol and Import use); deleting the
// row deletes their enrolments, and each freed seat of a batch still to start goes to the
// first on its waiting list.
func (db *DB) DeleteParticipant(ctx context.Context, telegramID int64, now time.Time) ([]flows.Promotion, error) {
	var promos []flows.Promotion
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var p participantRow
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("telegram_id = ?", telegramID).Take(&p).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			// Deleted already (a second tap on "Ya, hapus"), or never registered: what is
			// left is the NIP claims they filed.
			return db.forgetClaims(tx, telegramID, telegramID, nil)
		}
		if err != nil {
			return mapErr(err, "lock participant")
		}
		var batches []batchRow
		err = tx.Clauses(clause.Locking{Strength: "UPDATE"}).
			Where("id IN (SELECT batch_id FROM enrolments WHERE participant_id = ? AND status IN ('terdaftar','daftar_tunggu'))", p.ID).
			Order("id").Find(&batches).Error
		if err != nil {
			return mapErr(err, "lock batches")
		}
		if err := db.forgetTraces(tx, p); err != nil {
			return err
		}
		if err := tx.Delete(&p).Error; err != nil {
			return mapErr(err, "delete participant")
		}
		for _, b := range batches {
			// Locked, even where they only waited: a concurrent cancel could otherwise move
			// them up into a seat this delete then frees with nobody promoted.
			if b.Status != string(flows.BatchOpen) || !now.Before(b.StartsAt) {
				continue
			}
			promo, err := db.promote(tx, b, now)
			if err != nil {
				return err
			}
			if promo != nil {
				promos = append(promos, *promo)
			}
		}
		return nil
	})
	return promos, err
}

// forgetTraces removes, inside the deletion's transaction, what points at the person outside
// their own row and its cascade (enrolments, survey progress; anonymous answers keep no link):
// the notices still planned for their enrolments, the record of each message sent to them,
// and their place in an announcement's audience, which stays counted under an id that names
// nobody once it has been sent or skipped.
func (db *DB) forgetTraces(tx *gorm.DB, p participantRow) error {
	mine := tx.Model(&enrolmentRow{}).Select("id").Where("participant_id = ?", p.ID)
	err := tx.Exec(`DELETE FROM river_job WHERE (args->>'enrolment_id')::bigint IN (?) AND state <> 'running'`, mine).Error
	if err != nil {
		return mapErr(err, "forget planned notices")
	}
	if err := tx.Exec("DELETE FROM deliveries WHERE chat_id IN (?, ?)", p.ChatID, p.TelegramID).Error; err != nil {
		return mapErr(err, "forget deliveries")
	}
	// A place still waiting to be sent keeps its id for now: its send job finds nobody behind
	// it and counts it as skipped, so the announcement still finishes.
	err = tx.Exec(`UPDATE announcement_recipients SET participant_id = -1 - floor(random() * 1e15)::bigint,
		enrolment_id = NULL WHERE participant_id = ? AND status <> 'pending'`, p.ID).Error
	if err != nil {
		return mapErr(err, "forget announcement places")
	}
	return db.forgetClaims(tx, p.TelegramID, p.ChatID, p.NIP)
}

// MarkReachable implements flows.Store.
func (db *DB) MarkReachable(ctx context.Context, telegramID int64) error {
	err := db.gorm.WithContext(ctx).Model(&participantRow{}).Where("telegram_id = ?", telegramID).
		Update("unreachable_at", nil).Error
	return mapErr(err, "mark reachable")
}

// SetReminders implements flows.Store.
func (db *DB) SetReminders(ctx context.Context, telegramID int64, on bool) error {
	err := db.gorm.WithContext(ctx).Model(&participantRow{}).Where("telegram_id = ?", telegramID).
		Update("reminders_off", !on).Error
	return mapErr(err, "set reminders")
}

// MarkUnreachable records that messages to chatID are refused (the bot was blocked or the
// account deactivated), so later sends skip it.
func (db *DB) MarkUnreachable(ctx context.Context, chatID int64) error {
	err := db.gorm.WithContext(ctx).Model(&participantRow{}).
		Where("chat_id = ? AND unreachable_at IS NULL", chatID).
		Update("unreachable_at", time.Now().UTC()).Error
	return mapErr(err, "mark unreachable")
}

// mapErr turns driver errors into the domain's, by type and SQLSTATE, in one place.
func mapErr(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, gorm.ErrRecordNotFound) || errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, flows.ErrNotFound)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "participants_nip_key" {
		return fmt.Errorf("%s: %w", what, flows.ErrNIPTaken)
	}
	return fmt.Errorf("%s: %w", what, err)
}
