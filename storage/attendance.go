package storage

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/catalogfile"
)

type attendanceSessionRow struct {
	ID        int64 `gorm:"primaryKey"`
	BatchID   int64
	Day       time.Time
	Secret    []byte
	LateAfter *time.Time
	OpenedBy  int64
	OpenedAt  time.Time
	EndsAt    time.Time
	ClosedAt  *time.Time
	Board     *int
}

func (attendanceSessionRow) TableName() string { return "attendance_sessions" }

// OpenAttendance implements flows.Attendances. A day opened again keeps its secret (the codes
// on the screen stay valid) and takes the new end and late time.
func (db *DB) OpenAttendance(ctx context.Context, batchID int64, day, endsAt, lateAfter time.Time, by flows.Actor, now time.Time) (flows.AttendanceSession, error) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return flows.AttendanceSession{}, fmt.Errorf("attendance secret: %w", err)
	}
	var late *time.Time
	if !lateAfter.IsZero() {
		l := lateAfter.UTC()
		late = &l
	}
	var id int64
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Raw(`INSERT INTO attendance_sessions (batch_id, day, secret, late_after, opened_by, opened_at, ends_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (batch_id, day) DO UPDATE SET closed_at = NULL, late_after = EXCLUDED.late_after, ends_at = EXCLUDED.ends_at
			RETURNING id`, batchID, day.Format(time.DateOnly), secret, late, by.ID, now.UTC(), endsAt.UTC()).Scan(&id).Error
		if err != nil {
			return mapErr(err, "open attendance")
		}
		// The board is shown (or shown open again) now, and changes with the next period; a
		// session closed and opened again within one period still gets the second.
		p := flows.Period(now)
		var endsAt time.Time
		if err := tx.Raw(`SELECT ends_at FROM batches WHERE id = ?`, batchID).Scan(&endsAt).Error; err != nil {
			return mapErr(err, "batch end")
		}
		err = db.plan(ctx, tx, river.InsertManyParams{Args: flows.AttendanceBoard{SessionID: id, Period: p}},
			river.InsertManyParams{Args: flows.AttendanceBoard{SessionID: id, Period: p + 1},
				InsertOpts: &river.InsertOpts{ScheduledAt: flows.PeriodStart(p + 1)}},
			// A batch with check-in is settled at its end (one job, however many days open).
			river.InsertManyParams{Args: flows.BatchCompletion{BatchID: batchID}, InsertOpts: &river.InsertOpts{ScheduledAt: endsAt}})
		if err != nil {
			return err
		}
		return audit(tx, now, by, flows.AuditAttendOpen, fmt.Sprintf("angkatan %d", batchID), day.Format(time.DateOnly))
	})
	if err != nil {
		return flows.AttendanceSession{}, err
	}
	return db.AttendanceSession(ctx, id)
}

// CloseAttendance implements flows.Attendances.
func (db *DB) CloseAttendance(ctx context.Context, sessionID int64, by flows.Actor, now time.Time) (flows.AttendanceSession, error) {
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`UPDATE attendance_sessions SET closed_at = ? WHERE id = ? AND closed_at IS NULL`, now.UTC(), sessionID)
		if res.Error != nil {
			return mapErr(res.Error, "close attendance")
		}
		if res.RowsAffected == 0 {
			return nil // closed already: a second tap
		}
		return audit(tx, now, by, flows.AuditAttendClose, fmt.Sprintf("presensi %d", sessionID), "")
	})
	if err != nil {
		return flows.AttendanceSession{}, err
	}
	return db.AttendanceSession(ctx, sessionID)
}

// AttendanceSession implements flows.Attendances.
func (db *DB) AttendanceSession(ctx context.Context, id int64) (flows.AttendanceSession, error) {
	g := db.gorm.WithContext(ctx)
	var r attendanceSessionRow
	if err := g.Where("id = ?", id).Take(&r).Error; err != nil {
		return flows.AttendanceSession{}, mapErr(err, "attendance session")
	}
	return db.sessionOf(g, r)
}

func (db *DB) sessionOf(g *gorm.DB, r attendanceSessionRow) (flows.AttendanceSession, error) {
	var bc batchWithCourse
	res := g.Raw(selectBatchWithCourse, r.BatchID).Scan(&bc)
	if res.Error != nil {
		return flows.AttendanceSession{}, mapErr(res.Error, "attendance batch")
	}
	b := bc.Batch.domain()
	z := b.Zone()
	s := flows.AttendanceSession{ID: r.ID, Course: bc.Course.domain(), Batch: b, Secret: r.Secret,
		Day: time.Date(r.Day.Year(), r.Day.Month(), r.Day.Day(), 0, 0, 0, 0, z), EndsAt: r.EndsAt, Closed: r.ClosedAt != nil,
		BoardChat: r.OpenedBy}
	if r.Board != nil {
		s.Board = *r.Board
	}
	if r.LateAfter != nil {
		s.LateAfter = *r.LateAfter
	}
	return s, nil
}

// OpenAttendanceSessions implements flows.Attendances.
func (db *DB) OpenAttendanceSessions(ctx context.Context, now time.Time) ([]flows.AttendanceSession, error) {
	g := db.gorm.WithContext(ctx)
	var rows []attendanceSessionRow
	if err := g.Where("closed_at IS NULL AND ends_at > ?", now.UTC()).Order("id").Find(&rows).Error; err != nil {
		return nil, mapErr(err, "open attendance sessions")
	}
	out := make([]flows.AttendanceSession, 0, len(rows))
	for _, r := range rows {
		s, err := db.sessionOf(g, r)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// CheckIn implements flows.Attendances.
func (db *DB) CheckIn(ctx context.Context, sessionID, participantID int64, now time.Time) (flows.CheckIn, error) {
	var out flows.CheckIn
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var enrolmentID int64
		err := tx.Raw(`SELECT e.id FROM enrolments e JOIN attendance_sessions s ON s.batch_id = e.batch_id
			WHERE s.id = ? AND e.participant_id = ? AND e.status IN ?`, sessionID, participantID, seatStatuses).Scan(&enrolmentID).Error
		if err != nil {
			return mapErr(err, "seat for attendance")
		}
		if enrolmentID == 0 {
			return flows.ErrNoSeat
		}
		out, err = record(tx, sessionID, enrolmentID, nil, now)
		return err
	})
	return out, err
}

// MarkPresent implements flows.Attendances.
func (db *DB) MarkPresent(ctx context.Context, sessionID, enrolmentID int64, by flows.Actor, now time.Time) (flows.CheckIn, error) {
	var out flows.CheckIn
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var name string
		err := tx.Raw(`SELECT p.name FROM enrolments e JOIN attendance_sessions s ON s.batch_id = e.batch_id
			JOIN participants p ON p.id = e.participant_id
			WHERE s.id = ? AND e.id = ? AND e.status IN ?`, sessionID, enrolmentID, seatStatuses).Scan(&name).Error
		if err != nil {
			return mapErr(err, "seat for attendance")
		}
		if name == "" {
			return flows.ErrNoSeat
		}
		if out, err = record(tx, sessionID, enrolmentID, &by, now); err != nil || out.Existing {
			return err
		}
		return audit(tx, now, by, flows.AuditAttendMark, name, fmt.Sprintf("presensi %d", sessionID))
	})
	return out, err
}

// record writes one attendance, or finds the one written earlier the same day.
func record(tx *gorm.DB, sessionID, enrolmentID int64, by *flows.Actor, now time.Time) (flows.CheckIn, error) {
	var s attendanceSessionRow
	if err := tx.Clauses(clause.Locking{Strength: "SHARE"}).Where("id = ?", sessionID).Take(&s).Error; err != nil {
		return flows.CheckIn{}, mapErr(err, "attendance session")
	}
	late := s.LateAfter != nil && now.After(*s.LateAfter) && by == nil // by hand: the admin knows why
	var marker *int64
	if by != nil {
		marker = &by.ID
	}
	res := tx.Exec(`INSERT INTO attendance (enrolment_id, session_id, at, late, marked_by) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (enrolment_id, session_id) DO NOTHING`, enrolmentID, sessionID, now.UTC(), late, marker)
	if res.Error != nil {
		return flows.CheckIn{}, mapErr(res.Error, "record attendance")
	}
	if res.RowsAffected == 1 {
		return flows.CheckIn{At: now, Late: late}, nil
	}
	var had struct {
		At   time.Time
		Late bool
	}
	if err := tx.Raw(`SELECT at, late FROM attendance WHERE enrolment_id = ? AND session_id = ?`, enrolmentID, sessionID).Scan(&had).Error; err != nil {
		return flows.CheckIn{}, mapErr(err, "attendance")
	}
	return flows.CheckIn{At: had.At, Late: had.Late, Existing: true}, nil
}

// SetAttendanceBoard implements flows.Attendances.
func (db *DB) SetAttendanceBoard(ctx context.Context, sessionID int64, message int) error {
	err := db.gorm.WithContext(ctx).Exec(`UPDATE attendance_sessions SET board = ? WHERE id = ?`, message, sessionID).Error
	return mapErr(err, "attendance board")
}

// PlanAttendanceBoard implements flows.Attendances.
func (db *DB) PlanAttendanceBoard(ctx context.Context, sessionID, period int64) error {
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return db.plan(ctx, tx, river.InsertManyParams{Args: flows.AttendanceBoard{SessionID: sessionID, Period: period},
			InsertOpts: &river.InsertOpts{ScheduledAt: flows.PeriodStart(period)}})
	})
}

// Presence implements flows.Attendances.
func (db *DB) Presence(ctx context.Context, sessionID int64) ([]flows.Presence, error) {
	var rows []struct {
		EnrolmentID int64
		Name        string
		Agency      string
		At          *time.Time
		Late        bool
	}
	err := db.gorm.WithContext(ctx).Raw(`SELECT e.id AS enrolment_id, p.name, p.agency, a.at, COALESCE(a.late, false) AS late
		FROM attendance_sessions s JOIN enrolments e ON e.batch_id = s.batch_id AND e.status IN ?
		JOIN participants p ON p.id = e.participant_id
		LEFT JOIN attendance a ON a.enrolment_id = e.id AND a.session_id = s.id
		WHERE s.id = ? ORDER BY a.at IS NULL, p.name, e.id`, seatStatuses, sessionID).Scan(&rows).Error
	if err != nil {
		return nil, mapErr(err, "presence")
	}
	out := make([]flows.Presence, 0, len(rows))
	for _, r := range rows {
		p := flows.Presence{EnrolmentID: r.EnrolmentID, Name: r.Name, Agency: r.Agency, Late: r.Late}
		if r.At != nil {
			p.At = *r.At
		}
		out = append(out, p)
	}
	return out, nil
}

// CompleteBatch implements flows.Attendances. It recomputes from the attendance each time, so a
// job run twice, or after a day marked by hand late, settles the same.
func (db *DB) CompleteBatch(ctx context.Context, batchID int64, now time.Time) (flows.CompletionReport, error) {
	var rep flows.CompletionReport
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`SELECT id FROM batches WHERE id = ? FOR UPDATE`, batchID).Error; err != nil {
			return mapErr(err, "lock batch")
		}
		var bc batchWithCourse
		res := tx.Raw(selectBatchWithCourse, batchID).Scan(&bc)
		if res.Error != nil || res.RowsAffected == 0 {
			return mapErr(res.Error, "batch to complete")
		}
		rep.Course, rep.Batch = bc.Course.domain(), bc.Batch.domain()
		if rep.Course.MinAttendance <= 0 {
			rep.Course.MinAttendance = catalogfile.DefaultMinAttendance
		}
		var sessions []attendanceSessionRow
		if err := tx.Where("batch_id = ?", batchID).Order("id").Find(&sessions).Error; err != nil {
			return mapErr(err, "attendance sessions")
		}
		if len(sessions) == 0 {
			return nil // check-in was never opened: nothing to weigh
		}
		rep.Sessions, rep.Chat = len(sessions), sessions[len(sessions)-1].OpenedBy
		rep.Needed = flows.NeededDays(rep.Sessions, rep.Course.MinAttendance)
		var rows []struct {
			ID       int64
			Status   string
			Name     string
			Attended int
		}
		err := tx.Raw(`SELECT e.id, e.status, p.name, count(a.session_id) AS attended
			FROM enrolments e JOIN participants p ON p.id = e.participant_id
			LEFT JOIN attendance a ON a.enrolment_id = e.id
			WHERE e.batch_id = ? AND e.status IN ? GROUP BY e.id, e.status, p.name ORDER BY p.name, e.id`,
			batchID, seatStatuses).Scan(&rows).Error
		if err != nil {
			return mapErr(err, "attendance per seat")
		}
		var certs []river.InsertManyParams
		for _, r := range rows {
			status := r.Status
			switch {
			case r.Attended >= rep.Needed:
				status = string(flows.Completed)
				rep.Completed++
				if r.Status != status {
					// Sent if the evaluation is in already (a survey opened early); otherwise
					// its submission plans it again.
					certs = append(certs, river.InsertManyParams{Args: flows.CertificateNotice{EnrolmentID: r.ID, Cause: flows.CertOnCompletion}})
				}
			case r.Attended > 0:
				status = string(flows.Attended)
				rep.Short = append(rep.Short, flows.Shortfall{Name: r.Name, Attended: r.Attended, Needed: rep.Needed})
			default:
				rep.Absent++
			}
			if status != r.Status {
				err := tx.Exec(`UPDATE enrolments SET status = ?, updated_at = ? WHERE id = ?`, status, now.UTC(), r.ID).Error
				if err != nil {
					return mapErr(err, "settle enrolment")
				}
			}
		}
		return db.plan(ctx, tx, certs...)
	})
	return rep, err
}

// CompletedTrainings implements flows.Ledger.
func (db *DB) CompletedTrainings(ctx context.Context, participantID int64, from, to time.Time) ([]flows.Enrolment, error) {
	g := db.gorm.WithContext(ctx)
	var rows []enrolmentRow
	err := g.Joins("JOIN batches b ON b.id = enrolments.batch_id").
		Where("enrolments.participant_id = ? AND enrolments.status = ? AND b.ends_at >= ? AND b.ends_at < ?",
			participantID, string(flows.Completed), from.UTC(), to.UTC()).
		Order("b.ends_at, enrolments.id").Find(&rows).Error
	if err != nil {
		return nil, mapErr(err, "completed trainings")
	}
	return db.loadEnrolments(g, rows)
}

// JPYear implements flows.JPRecaps.
func (db *DB) JPYear(ctx context.Context, from, to time.Time, agency string) ([]flows.JPRow, error) {
	var rows []struct {
		Participant participantRow `gorm:"embedded"`
		JP          int            `gorm:"column:jp_year"`
	}
	q := `SELECT p.*, ` + jpOfYear + ` AS jp_year FROM participants p` + jpYear
	args := []any{from.UTC(), to.UTC()}
	if agency != "" {
		q += ` WHERE ` + agencyKeySQL + ` = lower(regexp_replace(btrim(?), '\s+', ' ', 'g'))`
		args = append(args, agency)
	}
	q += ` ORDER BY ` + agencyKeySQL + `, p.name, p.id`
	if err := db.gorm.WithContext(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, mapErr(err, "jp per participant")
	}
	out := make([]flows.JPRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, flows.JPRow{Participant: r.Participant.domain(), JP: r.JP})
	}
	return out, nil
}
