package storage

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/asn"
)

// jpOfYear is a participant's (p.id) JP of the year that jpYear, joined in the query, gives:
// their trainings completed with batches ending in it, and their trainings done elsewhere that
// an admin approved, ending in it.
const jpOfYear = `(COALESCE((SELECT sum(c.jp) FROM enrolments e JOIN batches b ON b.id = e.batch_id
	JOIN courses c ON c.id = b.course_id
	WHERE e.participant_id = p.id AND e.status = 'selesai' AND b.ends_at >= yr.y_from AND b.ends_at < yr.y_to), 0)
	+ COALESCE((SELECT sum(x.jp) FROM external_trainings x WHERE x.participant_id = p.id AND x.status = 'disetujui'
	AND x.ends_at >= yr.y_from AND x.ends_at < yr.y_to), 0))`

// jpYear joins the year [?, ?) that jpOfYear counts in.
const jpYear = ` CROSS JOIN (SELECT ?::timestamptz AS y_from, ?::timestamptz AS y_to) yr `

// BelowDuty implements flows.JPNudges.
func (db *DB) BelowDuty(ctx context.Context, from, to time.Time, duty int, month string) ([]int64, error) {
	var ids []int64
	err := db.gorm.WithContext(ctx).Raw(`SELECT p.id FROM participants p`+jpYear+`LEFT JOIN jp_nudges n ON n.participant_id = p.id
		WHERE p.kind = ? AND p.unreachable_at IS NULL AND NOT COALESCE(n.off, false) AND COALESCE(n.last_month, '') <> ?
			AND `+jpOfYear+` < ? ORDER BY p.id`, from.UTC(), to.UTC(), string(asn.PNS), month, duty).Scan(&ids).Error
	return ids, mapErr(err, "below duty")
}

// NudgeTarget implements flows.JPNudges.
func (db *DB) NudgeTarget(ctx context.Context, participantID int64, from, to time.Time) (flows.NudgeTarget, error) {
	var row struct {
		Participant participantRow `gorm:"embedded"`
		JP          int            `gorm:"column:jp_year"`
		Off         bool
	}
	res := db.gorm.WithContext(ctx).Raw(`SELECT p.*, `+jpOfYear+` AS jp_year, COALESCE(n.off, false) AS off
		FROM participants p`+jpYear+`LEFT JOIN jp_nudges n ON n.participant_id = p.id WHERE p.id = ?`,
		from.UTC(), to.UTC(), participantID).Scan(&row)
	if res.Error != nil {
		return flows.NudgeTarget{}, mapErr(res.Error, "nudge target")
	}
	if res.RowsAffected == 0 {
		return flows.NudgeTarget{}, flows.ErrNotFound
	}
	return flows.NudgeTarget{Participant: row.Participant.domain(), JP: row.JP, Off: row.Off}, nil
}

// MarkNudged implements flows.JPNudges.
func (db *DB) MarkNudged(ctx context.Context, participantID int64, month string) error {
	err := db.gorm.WithContext(ctx).Exec(`INSERT INTO jp_nudges (participant_id, last_month) VALUES (?, ?)
		ON CONFLICT (participant_id) DO UPDATE SET last_month = EXCLUDED.last_month`, participantID, month).Error
	return mapErr(err, "mark nudged")
}

// SetJPNudge implements flows.JPNudges.
func (db *DB) SetJPNudge(ctx context.Context, participantID int64, off bool) error {
	err := db.gorm.WithContext(ctx).Exec(`INSERT INTO jp_nudges (participant_id, off) VALUES (?, ?)
		ON CONFLICT (participant_id) DO UPDATE SET off = EXCLUDED.off`, participantID, off).Error
	return mapErr(err, "set jp nudge")
}

// JPNudgeOff implements flows.JPNudges.
func (db *DB) JPNudgeOff(ctx context.Context, participantID int64) (bool, error) {
	var off bool
	err := db.gorm.WithContext(ctx).Raw(`SELECT COALESCE((SELECT off FROM jp_nudges WHERE participant_id = ?), false)`,
		participantID).Scan(&off).Error
	return off, mapErr(err, "jp nudge off")
}

// PlanJPNudges plans a nudge for each participant for month, and the next sweep at next.
func (db *DB) PlanJPNudges(ctx context.Context, participants []int64, month string, nextDay string, next time.Time) error {
	jobs := make([]river.InsertManyParams, 0, len(participants)+1)
	for _, id := range participants {
		jobs = append(jobs, river.InsertManyParams{Args: flows.JPNudge{ParticipantID: id, Month: month}})
	}
	if nextDay != "" {
		jobs = append(jobs, river.InsertManyParams{Args: flows.JPNudgeSweep{Day: nextDay}, InsertOpts: &river.InsertOpts{ScheduledAt: next}})
	}
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return db.plan(ctx, tx, jobs...) })
}
