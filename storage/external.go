package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/bpsdm/asnbot/flows"
)

// externalRow is a row of external_trainings.
type externalRow struct {
	ID            int64 `gorm:"primaryKey"`
	ParticipantID int64
	Title         string
	Organiser     string
	StartsOn      time.Time
	EndsOn        time.Time
	EndsAt        time.Time
	JP            int `gorm:"column:jp"`
	FileID        string
	FileKind      string
	FileName      string
	Status        string
	Reason        string
	DecidedBy     *int64
	DecidedAt     *time.Time
	CreatedAt     time.Time
}

func (externalRow) TableName() string { return "external_trainings" }

const (
	proofPhoto    = "photo"
	proofDocument = "document"
)

// domain is the record, its days at midnight in zone.
func (r externalRow) domain(zone *time.Location) flows.External {
	return flows.External{ID: r.ID, ParticipantID: r.ParticipantID, Title: r.Title, Organiser: r.Organiser,
		Start: dayIn(r.StartsOn, zone), End: dayIn(r.EndsOn, zone), JP: r.JP, FileID: r.FileID, Photo: r.FileKind == proofPhoto,
		FileName: r.FileName, Status: r.Status, Reason: r.Reason, CreatedAt: r.CreatedAt}
}

// AddExternal implements flows.Externals.
func (db *DB) AddExternal(ctx context.Context, x flows.External, endsAt, now time.Time) (flows.External, error) {
	kind := proofDocument
	if x.Photo {
		kind = proofPhoto
	}
	r := externalRow{ParticipantID: x.ParticipantID, Title: x.Title, Organiser: x.Organiser,
		StartsOn: dayIn(x.Start, time.UTC), EndsOn: dayIn(x.End, time.UTC), EndsAt: endsAt.UTC(), JP: x.JP, FileID: x.FileID,
		FileKind: kind, FileName: x.FileName, Status: flows.ExternalWaiting, CreatedAt: now.UTC()}
	if err := db.gorm.WithContext(ctx).Create(&r).Error; err != nil {
		return flows.External{}, mapErr(err, "add external training")
	}
	return r.domain(x.Start.Location()), nil
}

// dayIn is t's calendar day at midnight in zone: in UTC it is a date as Postgres stores it
// (GORM sends a time's UTC instant); read back, the day in the agency's zone.
func dayIn(t time.Time, zone *time.Location) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, zone)
}

// ExternalsOf implements flows.Externals.
func (db *DB) ExternalsOf(ctx context.Context, participantID int64, from, to time.Time) ([]flows.External, error) {
	var rows []externalRow
	err := db.gorm.WithContext(ctx).Where("participant_id = ? AND ends_at >= ? AND ends_at < ?", participantID, from.UTC(), to.UTC()).
		Order("ends_at, id").Find(&rows).Error
	if err != nil {
		return nil, mapErr(err, "external trainings")
	}
	out := make([]flows.External, len(rows))
	for i, r := range rows {
		out[i] = r.domain(from.Location())
	}
	return out, nil
}

// NextWaitingExternal implements flows.Externals.
func (db *DB) NextWaitingExternal(ctx context.Context) (flows.WaitingExternal, error) {
	g := db.gorm.WithContext(ctx)
	var r externalRow
	if err := g.Where("status = ?", flows.ExternalWaiting).Order("created_at, id").Take(&r).Error; err != nil {
		return flows.WaitingExternal{}, mapErr(err, "waiting external training")
	}
	var p participantRow
	if err := g.Where("id = ?", r.ParticipantID).Take(&p).Error; err != nil {
		return flows.WaitingExternal{}, mapErr(err, "external training's participant")
	}
	var left int64
	if err := g.Model(&externalRow{}).Where("status = ?", flows.ExternalWaiting).Count(&left).Error; err != nil {
		return flows.WaitingExternal{}, mapErr(err, "waiting external trainings")
	}
	return flows.WaitingExternal{External: r.domain(time.UTC), Participant: p.domain(), Left: int(left)}, nil
}

// DecideExternal implements flows.Externals: the decision, its audit entry and the job that
// tells the participant, together.
func (db *DB) DecideExternal(ctx context.Context, id int64, approve bool, reason string, by flows.Actor, now time.Time) (flows.External, error) {
	var r externalRow
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Raw(`SELECT * FROM external_trainings WHERE id = ? FOR UPDATE`, id).Take(&r).Error; err != nil {
			return mapErr(err, "external training to decide")
		}
		if r.Status != flows.ExternalWaiting {
			return flows.ErrDecided
		}
		r.Status, r.Reason = flows.ExternalApproved, ""
		action := flows.AuditApproveExternal
		if !approve {
			r.Status, r.Reason, action = flows.ExternalRefused, reason, flows.AuditRefuseExternal
		}
		at := now.UTC()
		err := tx.Exec(`UPDATE external_trainings SET status = ?, reason = ?, decided_by = ?, decided_at = ? WHERE id = ?`,
			r.Status, r.Reason, by.ID, at, id).Error
		if err != nil {
			return mapErr(err, "decide external training")
		}
		detail := fmt.Sprintf("%s, %d JP", r.Title, r.JP)
		if !approve {
			detail += ": " + reason
		}
		if err := audit(tx, now, by, action, fmt.Sprintf("pelatihan lain %d", id), detail); err != nil {
			return err
		}
		return db.plan(ctx, tx, river.InsertManyParams{Args: flows.ExternalDecision{ID: id}})
	})
	return r.domain(time.UTC), err
}

// ExternalTarget implements flows.Externals.
func (db *DB) ExternalTarget(ctx context.Context, id int64) (flows.External, flows.Participant, error) {
	g := db.gorm.WithContext(ctx)
	var r externalRow
	if err := g.Where("id = ?", id).Take(&r).Error; err != nil {
		return flows.External{}, flows.Participant{}, mapErr(err, "external training")
	}
	var p participantRow
	if err := g.Where("id = ?", r.ParticipantID).Take(&p).Error; err != nil {
		return flows.External{}, flows.Participant{}, mapErr(err, "external training's participant")
	}
	return r.domain(time.UTC), p.domain(), nil
}
