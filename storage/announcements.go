package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/bpsdm/asnbot/flows"
)

// Announcements (/siaran). An announcement is stored with its start job; when it starts, its
// recipients are written and a send job each, in one transaction; each recipient's outcome
// is counted on the announcement's row, so the status and the report are one read.

type announcementRow struct {
	ID            int64 `gorm:"primaryKey"`
	CreatedBy     int64
	DraftKey      string
	CreatedAt     time.Time
	Audience      []byte
	Body          string
	MediaKind     string
	MediaFile     string
	LinkPreview   bool
	SendAt        time.Time
	Urgent        bool
	Status        string
	Total         int
	Sent          int
	Unreachable   int
	Failed        int
	Skipped       int
	StatusChat    int64
	StatusMessage int
	StatusShown   *time.Time
	StartedAt     *time.Time
	FinishedAt    *time.Time
}

func (announcementRow) TableName() string { return "announcements" }

func (r announcementRow) domain() (flows.Announcement, error) {
	a := flows.Announcement{ID: r.ID, CreatedBy: r.CreatedBy, Body: r.Body, MediaKind: r.MediaKind, MediaFile: r.MediaFile,
		LinkPreview: r.LinkPreview, SendAt: r.SendAt, Urgent: r.Urgent, Status: r.Status, Total: r.Total, Sent: r.Sent,
		Unreachable: r.Unreachable, Failed: r.Failed, Skipped: r.Skipped, StatusChat: r.StatusChat, StatusMessage: r.StatusMessage}
	if r.StartedAt != nil {
		a.StartedAt = *r.StartedAt
	}
	if r.FinishedAt != nil {
		a.FinishedAt = *r.FinishedAt
	}
	if err := json.Unmarshal(r.Audience, &a.Audience); err != nil {
		return a, fmt.Errorf("announcement %d audience: %w", r.ID, err)
	}
	return a, nil
}

// agencyKeySQL is how agencies are matched (Audience.Agency): without regard to case and
// spacing.
const agencyKeySQL = `lower(regexp_replace(btrim(p.agency), '\s+', ' ', 'g'))`

// audienceSQL selects (participant_id, enrolment_id) for everyone an audience holds, one row
// per person; for a course, the enrolment of their soonest batch.
func audienceSQL(a flows.Audience) (string, []any, error) {
	live := []string{string(flows.Registered), string(flows.Waiting)}
	const seats = `SELECT DISTINCT ON (e.participant_id) e.participant_id, e.id AS enrolment_id
		FROM enrolments e JOIN batches b ON b.id = e.batch_id JOIN courses c ON c.id = b.course_id
		JOIN participants p ON p.id = e.participant_id `
	switch a.Kind {
	case flows.AudienceAll:
		return `SELECT p.id AS participant_id, NULL::bigint AS enrolment_id FROM participants p`, nil, nil
	case flows.AudienceAgency:
		return `SELECT p.id AS participant_id, NULL::bigint AS enrolment_id FROM participants p WHERE ` + agencyKeySQL + ` = ?`,
			[]any{a.Agency}, nil
	case flows.AudienceCourse:
		return seats + `WHERE c.code = ? AND e.status IN ? AND b.status <> 'cancelled'
			ORDER BY e.participant_id, b.starts_at`, []any{a.Course, live}, nil
	case flows.AudienceBatch:
		statuses := make([]string, 0, len(a.Statuses))
		for _, s := range a.Statuses {
			statuses = append(statuses, string(s))
		}
		if len(statuses) == 0 {
			statuses = live
		}
		return seats + `WHERE e.batch_id = ? AND e.status IN ? ORDER BY e.participant_id, e.id`, []any{a.BatchID, statuses}, nil
	case flows.AudienceNoSurvey:
		return seats + `WHERE e.batch_id = ? AND e.status IN ? AND NOT EXISTS (
				SELECT 1 FROM survey_completions sc WHERE sc.enrolment_id = e.id)
			ORDER BY e.participant_id, e.id`, []any{a.BatchID, seatStatuses}, nil
	}
	return "", nil, fmt.Errorf("audience of unknown kind %q", a.Kind)
}

type recipientRow struct {
	ParticipantID int64
	EnrolmentID   *int64
}

// Audience implements flows.Announcements.
func (db *DB) Audience(ctx context.Context, a flows.Audience) (int, flows.Recipient, error) {
	q, args, err := audienceSQL(a)
	if err != nil {
		return 0, flows.Recipient{}, err
	}
	g := db.gorm.WithContext(ctx)
	var n int
	if err := g.Raw("SELECT count(*) FROM ("+q+") x", args...).Scan(&n).Error; err != nil {
		return 0, flows.Recipient{}, mapErr(err, "count audience")
	}
	if n == 0 {
		return 0, flows.Recipient{}, nil
	}
	var first recipientRow
	if err := g.Raw("SELECT * FROM ("+q+") x ORDER BY participant_id LIMIT 1", args...).Scan(&first).Error; err != nil {
		return 0, flows.Recipient{}, mapErr(err, "audience sample")
	}
	r, found, err := db.recipient(g, first)
	if err != nil || !found {
		return n, flows.Recipient{}, err
	}
	return n, r, nil
}

// recipient loads a recipient's participant and enrolment; found is false when the person
// deleted their data.
func (db *DB) recipient(g *gorm.DB, row recipientRow) (flows.Recipient, bool, error) {
	var p participantRow
	res := g.Where("id = ?", row.ParticipantID).Limit(1).Find(&p)
	if res.Error != nil || res.RowsAffected == 0 {
		return flows.Recipient{}, false, mapErr(res.Error, "recipient")
	}
	r := flows.Recipient{Participant: p.domain()}
	if row.EnrolmentID != nil {
		var er enrolmentRow
		res := g.Where("id = ?", *row.EnrolmentID).Limit(1).Find(&er)
		if res.Error != nil {
			return flows.Recipient{}, false, mapErr(res.Error, "recipient enrolment")
		}
		if res.RowsAffected > 0 {
			e, err := db.loadEnrolment(g, er)
			if err != nil {
				return flows.Recipient{}, false, err
			}
			r.Enrolment = &e
		}
	}
	return r, true, nil
}

// Agencies implements flows.Announcements: each agency by its key, named as most of its
// participants write it.
func (db *DB) Agencies(ctx context.Context) ([]flows.Agency, error) {
	var rows []struct {
		Key, Name string
		Count     int
	}
	err := db.gorm.WithContext(ctx).Raw(`SELECT key, (array_agg(name ORDER BY n DESC, name))[1] AS name, sum(n)::int AS count
		FROM (SELECT ` + agencyKeySQL + ` AS key, btrim(p.agency) AS name, count(*) AS n FROM participants p
			WHERE btrim(p.agency) <> '' GROUP BY 1, 2) x
		GROUP BY key ORDER BY key`).Scan(&rows).Error
	if err != nil {
		return nil, mapErr(err, "agencies")
	}
	out := make([]flows.Agency, 0, len(rows))
	for _, r := range rows {
		out = append(out, flows.Agency{Key: r.Key, Name: r.Name, Count: r.Count})
	}
	return out, nil
}

// CreateAnnouncement implements flows.Announcements.
func (db *DB) CreateAnnouncement(ctx context.Context, a *flows.Announcement, key string, by flows.Actor, now time.Time) (bool, error) {
	aud, err := json.Marshal(a.Audience)
	if err != nil {
		return false, fmt.Errorf("encode audience: %w", err)
	}
	created := false
	err = db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row := announcementRow{CreatedBy: by.ID, DraftKey: key, CreatedAt: now.UTC(), Audience: aud, Body: a.Body,
			MediaKind: a.MediaKind, MediaFile: a.MediaFile, LinkPreview: a.LinkPreview, SendAt: a.SendAt.UTC(),
			Urgent: a.Urgent, Status: a.Status, StatusChat: a.StatusChat, StatusMessage: a.StatusMessage}
		res := tx.Raw(`INSERT INTO announcements (created_by, draft_key, created_at, audience, body, media_kind, media_file,
				link_preview, send_at, urgent, status, status_chat, status_message)
			VALUES (@CreatedBy, @DraftKey, @CreatedAt, @Audience, @Body, @MediaKind, @MediaFile, @LinkPreview, @SendAt,
				@Urgent, @Status, @StatusChat, @StatusMessage)
			ON CONFLICT (created_by, draft_key) DO NOTHING RETURNING id`, row).Scan(&a.ID)
		if res.Error != nil {
			return mapErr(res.Error, "insert announcement")
		}
		if res.RowsAffected == 0 { // the draft was sent already: a second tap
			return mapErr(tx.Raw("SELECT id FROM announcements WHERE created_by = ? AND draft_key = ?", by.ID, key).Scan(&a.ID).Error,
				"announcement of the draft")
		}
		created = true
		job := river.InsertManyParams{Args: flows.AnnouncementStart{ID: a.ID}}
		if a.SendAt.After(now) {
			job.InsertOpts = &river.InsertOpts{ScheduledAt: a.SendAt}
		}
		if err := db.plan(ctx, tx, job); err != nil {
			return err
		}
		detail := a.Status + " " + a.SendAt.UTC().Format(time.RFC3339)
		return audit(tx, now, by, flows.AuditAnnounce, fmt.Sprintf("#%d %s", a.ID, audienceName(a.Audience)), detail)
	})
	return created, err
}

// audienceName names an audience in the audit log.
func audienceName(a flows.Audience) string {
	switch a.Kind {
	case flows.AudienceCourse:
		return "pelatihan " + a.Course
	case flows.AudienceBatch, flows.AudienceNoSurvey:
		return string(a.Kind) + " " + a.Course + " " + a.BatchName
	case flows.AudienceAgency:
		return "instansi " + a.AgencyName
	}
	return string(a.Kind)
}

// loadAnnouncement reads an announcement, locked for update when lock is set.
func loadAnnouncement(tx *gorm.DB, id int64, lock bool) (flows.Announcement, error) {
	q := "SELECT * FROM announcements WHERE id = ?"
	if lock {
		q += " FOR UPDATE"
	}
	var r announcementRow
	res := tx.Raw(q, id).Scan(&r)
	if res.Error != nil {
		return flows.Announcement{}, mapErr(res.Error, "announcement")
	}
	if res.RowsAffected == 0 {
		return flows.Announcement{}, fmt.Errorf("announcement %d: %w", id, flows.ErrNotFound)
	}
	return r.domain()
}

// Announcement loads one announcement.
func (db *DB) Announcement(ctx context.Context, id int64) (flows.Announcement, error) {
	return loadAnnouncement(db.gorm.WithContext(ctx), id, false)
}

// StopAnnouncement implements flows.Announcements: every recipient not yet tried is skipped.
func (db *DB) StopAnnouncement(ctx context.Context, id int64, by flows.Actor, now time.Time) (flows.Announcement, bool, error) {
	var a flows.Announcement
	stopped := false
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if a, err = loadAnnouncement(tx, id, true); err != nil || a.Status != flows.AnnSending {
			return err
		}
		res := tx.Exec(`UPDATE announcement_recipients SET status = 'skipped', reason = ?
			WHERE announcement_id = ? AND status = 'pending'`, flows.ReasonStopped, id)
		if res.Error != nil {
			return mapErr(res.Error, "stop recipients")
		}
		err = tx.Exec(`UPDATE announcements SET status = 'stopped', skipped = skipped + ?, finished_at = ? WHERE id = ?`,
			res.RowsAffected, now.UTC(), id).Error
		if err != nil {
			return mapErr(err, "stop announcement")
		}
		stopped = true
		a.Status, a.Skipped, a.FinishedAt = flows.AnnStopped, a.Skipped+int(res.RowsAffected), now
		return audit(tx, now, by, flows.AuditAnnounceStop, fmt.Sprintf("#%d", id), fmt.Sprintf("%d belum terkirim", res.RowsAffected))
	})
	return a, stopped, err
}

// CancelAnnouncement implements flows.Announcements.
func (db *DB) CancelAnnouncement(ctx context.Context, id int64, by flows.Actor, now time.Time) (bool, error) {
	cancelled := false
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`UPDATE announcements SET status = ?, finished_at = ? WHERE id = ? AND status = ?`,
			flows.AnnCancelled, now.UTC(), id, flows.AnnScheduled)
		if res.Error != nil || res.RowsAffected == 0 {
			return mapErr(res.Error, "cancel announcement")
		}
		cancelled = true
		return audit(tx, now, by, flows.AuditAnnounceDrop, fmt.Sprintf("#%d", id), "")
	})
	return cancelled, err
}

// ScheduledAnnouncements implements flows.Announcements.
func (db *DB) ScheduledAnnouncements(ctx context.Context) ([]flows.Announcement, error) {
	var rows []announcementRow
	if err := db.gorm.WithContext(ctx).Where("status = ?", flows.AnnScheduled).Order("send_at, id").Find(&rows).Error; err != nil {
		return nil, mapErr(err, "scheduled announcements")
	}
	out := make([]flows.Announcement, 0, len(rows))
	for _, r := range rows {
		a, err := r.domain()
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}
