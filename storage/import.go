package storage

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/catalogfile"
)

// Import implements flows.Admin: courses by code and batches by (course, name) are inserted
// or updated in one transaction, so a file is imported whole or not at all, and importing the
// same file again changes nothing. Batches missing from the file are left alone: they may
// have participants, and a cancellation is an admin's decision, not a side effect. So are
// batches cancelled, ended, or changed in chat since: an old file sent again must not undo
// what an admin did later, nor tell participants of the reversal (rep.Kept lists them).
func (db *DB) Import(ctx context.Context, courses []catalogfile.Course, now time.Time, by flows.Actor) (flows.ImportReport, error) {
	defer db.pages.forget() // the catalogue changed: no page of before is shown again
	var rep flows.ImportReport
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Lock the batches the file may change in id order first, as every other writer does,
		// so an import never deadlocks with an enrolment, a cancellation or a deletion.
		codes := make([]string, 0, len(courses))
		for _, c := range courses {
			codes = append(codes, c.Code)
		}
		var locked []int64
		err := tx.Model(&batchRow{}).Clauses(clause.Locking{Strength: "UPDATE"}).
			Where("course_id IN (SELECT id FROM courses WHERE code IN ?)", codes).Order("id").Pluck("id", &locked).Error
		if err != nil {
			return mapErr(err, "lock batches")
		}
		for _, c := range courses {
			id, err := upsertCourse(tx, c, &rep)
			if err != nil {
				return err
			}
			for _, b := range c.Batches {
				if err := db.upsertBatch(tx, id, c.Code, b, now, &rep); err != nil {
					return err
				}
			}
		}
		return audit(tx, now, by, flows.AuditImport, fmt.Sprintf("%d pelatihan", len(courses)),
			fmt.Sprintf("pelatihan +%d ~%d, angkatan +%d ~%d, dibiarkan %d, diberi tahu %d", rep.CoursesAdded, rep.CoursesChanged,
				rep.BatchesAdded, rep.BatchesChanged, len(rep.Kept), rep.Notified))
	})
	return rep, err
}

func upsertCourse(tx *gorm.DB, c catalogfile.Course, rep *flows.ImportReport) (int64, error) {
	want := courseRow{Code: c.Code, Title: c.Title, Category: c.Category, Method: c.Method, JP: c.JP,
		Description: c.Description, Audience: c.Audience, Published: c.Published, SurveyKey: c.Survey, MinAttendance: c.MinAttendance}
	if want.MinAttendance == 0 { // a course built by hand, not read from a file
		want.MinAttendance = catalogfile.DefaultMinAttendance
	}
	var have courseRow
	err := tx.Where("code = ?", c.Code).Take(&have).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		if err := tx.Create(&want).Error; err != nil {
			return 0, mapErr(err, "insert course")
		}
		rep.CoursesAdded++
		return want.ID, nil
	}
	if err != nil {
		return 0, mapErr(err, "find course")
	}
	if have.Title == want.Title && have.Category == want.Category && have.Method == want.Method && have.JP == want.JP &&
		have.Description == want.Description && have.Audience == want.Audience && have.Published == want.Published &&
		have.SurveyKey == want.SurveyKey && have.MinAttendance == want.MinAttendance {
		rep.CoursesUnchanged++
		return have.ID, nil
	}
	err = tx.Model(&have).Updates(map[string]any{"title": want.Title, "category": want.Category, "method": want.Method,
		"jp": want.JP, "description": want.Description, "audience": want.Audience, "published": want.Published, "survey_key": want.SurveyKey,
		"min_attendance": want.MinAttendance,
		"updated_at":     gorm.Expr("now()")}).Error
	if err != nil {
		return 0, mapErr(err, "update course")
	}
	rep.CoursesChanged++
	return have.ID, nil
}

func (db *DB) upsertBatch(tx *gorm.DB, courseID int64, code string, b catalogfile.Batch, now time.Time, rep *flows.ImportReport) error {
	want := batchRow{CourseID: courseID, Name: b.Name, StartsAt: b.Start.UTC(), EndsAt: b.End.UTC(), TimeZone: b.TimeZone,
		Location: b.Location, OnlineURL: b.OnlineURL, Quota: b.Quota, RegOpensAt: b.RegOpens.UTC(),
		RegClosesAt: b.RegCloses.UTC(), Status: string(flows.BatchOpen), Trainers: joinNames(b.Trainers),
		Notes: b.Notes, ContactName: b.ContactName, ContactWA: b.ContactWA}
	var have batchRow
	err := tx.Where("course_id = ? AND name = ?", courseID, b.Name).Take(&have).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		if err := tx.Omit("Registered", "Waiting").Create(&want).Error; err != nil {
			return mapErr(err, "insert batch")
		}
		rep.BatchesAdded++
		return nil
	}
	if err != nil {
		return mapErr(err, "find batch")
	}
	// What to prepare and whom to ask are no change of schedule: nobody is notified of them,
	// but the report counts the batch as changed, since it was.
	notesChanged := have.Notes != want.Notes || have.ContactName != want.ContactName || have.ContactWA != want.ContactWA
	notes := map[string]any{"notes": want.Notes, "contact_name": want.ContactName, "contact_wa": want.ContactWA,
		"updated_at": gorm.Expr("now()")}
	if have.StartsAt.Equal(want.StartsAt) && have.EndsAt.Equal(want.EndsAt) && have.TimeZone == want.TimeZone &&
		have.Location == want.Location && have.OnlineURL == want.OnlineURL && have.Quota == want.Quota &&
		have.RegOpensAt.Equal(want.RegOpensAt) && have.RegClosesAt.Equal(want.RegClosesAt) && have.Trainers == want.Trainers {
		if notesChanged && have.Status == string(flows.BatchOpen) && now.Before(have.EndsAt) {
			if err := tx.Model(&have).Updates(notes).Error; err != nil {
				return mapErr(err, "update batch notes")
			}
			rep.BatchesChanged++
		} else {
			rep.BatchesUnchanged++
		}
		if have.ChangedInChatAt != nil { // the file agrees with the chat's change: it rules again
			return mapErr(tx.Model(&have).Update("changed_in_chat_at", nil).Error, "batch agrees with file")
		}
		return nil
	}
	kept := flows.KeptBatch{Row: b.Row, Code: code, Batch: b.Name}
	switch {
	case have.Status == string(flows.BatchCancelled):
		kept.Reason = flows.KeptCancelled
	case !now.Before(have.EndsAt):
		kept.Reason = flows.KeptEnded
	case have.ChangedInChatAt != nil:
		kept.Reason, kept.ChangedAt = flows.KeptChangedInChat, have.ChangedInChatAt.In(have.domain().Zone())
	}
	if kept.Reason != 0 {
		rep.Kept = append(rep.Kept, kept)
		return nil
	}
	oldQuota, before := have.Quota, have.domain()
	changes := map[string]any{"starts_at": want.StartsAt, "ends_at": want.EndsAt,
		"time_zone": want.TimeZone, "location": want.Location, "online_url": want.OnlineURL, "quota": want.Quota,
		"reg_opens_at": want.RegOpensAt, "reg_closes_at": want.RegClosesAt, "trainers": want.Trainers}
	maps.Copy(changes, notes)
	err = tx.Model(&have).Updates(changes).Error
	if err != nil {
		return mapErr(err, "update batch")
	}
	rep.BatchesChanged++
	if _, _, err := db.scheduleChanged(tx, before, have.domain(), now, rep); err != nil {
		return err
	}
	if want.Quota > oldQuota && have.Status == string(flows.BatchOpen) && now.Before(want.StartsAt) {
		// More seats: they go to the waiting list first, in order, before any newcomer.
		have.Quota = want.Quota
		promos, err := db.promoteAll(tx, have, now)
		rep.Promotions = append(rep.Promotions, promos...)
		return err
	}
	return nil
}

// fileReadRetry is how long a read that never ended keeps its file refused: long enough
// for every replay of the update after a crash (the bot restarts in seconds), short enough
// that a read cut short by an unrelated crash does not refuse a good file for long.
const fileReadRetry = time.Hour

// BeginFileRead implements flows.Admin: one statement, committed before the file is read.
// A file read before, to its end, begins again; one whose read began within fileReadRetry
// and never ended is refused.
func (db *DB) BeginFileRead(ctx context.Context, digest string, now time.Time) (bool, error) {
	var began []bool
	err := db.gorm.WithContext(ctx).Raw(`INSERT INTO file_reads (digest, started_at) VALUES (?, ?)
		ON CONFLICT (digest) DO UPDATE SET started_at = EXCLUDED.started_at, finished_at = NULL
		WHERE file_reads.finished_at IS NOT NULL OR file_reads.started_at < ?
		RETURNING true`, digest, now, now.Add(-fileReadRetry)).Scan(&began).Error
	if err != nil {
		return false, mapErr(err, "begin file read")
	}
	return len(began) == 1, nil
}

// EndFileRead implements flows.Admin.
func (db *DB) EndFileRead(ctx context.Context, digest string) error {
	err := db.gorm.WithContext(ctx).Exec("UPDATE file_reads SET finished_at = now() WHERE digest = ?", digest).Error
	return mapErr(err, "end file read")
}
