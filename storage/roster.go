package storage

import (
	"context"

	"github.com/bpsdm/asnbot/flows"
)

// Roster implements flows.Admin: every batch of a course with its live enrolments, seats first.
func (db *DB) Roster(ctx context.Context, code string) (flows.Course, []flows.Batch, []flows.RosterEntry, error) {
	g := db.gorm.WithContext(ctx)
	var c courseRow
	if err := g.Where("code = ?", code).Take(&c).Error; err != nil {
		return flows.Course{}, nil, nil, mapErr(err, "course")
	}
	var brows []batchRow
	if err := g.Select(batchCounts, seatStatuses).Where("course_id = ?", c.ID).Order("starts_at, name").Find(&brows).Error; err != nil {
		return flows.Course{}, nil, nil, mapErr(err, "batches")
	}
	batches := make([]flows.Batch, 0, len(brows))
	byID := map[int64]flows.Batch{}
	for _, b := range brows {
		batches = append(batches, b.domain())
		byID[b.ID] = b.domain()
	}
	var rows []enrolmentRow
	err := g.Joins("JOIN batches b ON b.id = enrolments.batch_id").
		Where("b.course_id = ? AND enrolments.status <> 'batal'", c.ID).
		Order("b.starts_at, b.name, CASE WHEN enrolments.status = 'daftar_tunggu' THEN 1 ELSE 0 END, enrolments.queued").
		Find(&rows).Error
	if err != nil {
		return flows.Course{}, nil, nil, mapErr(err, "roster")
	}
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ParticipantID)
	}
	var people []participantRow
	if err := g.Where("id IN ?", ids).Find(&people).Error; err != nil {
		return flows.Course{}, nil, nil, mapErr(err, "roster participants")
	}
	who := map[int64]participantRow{}
	for _, p := range people {
		who[p.ID] = p
	}
	entries := make([]flows.RosterEntry, 0, len(rows))
	waiting := map[int64]int{}
	for _, r := range rows {
		e := flows.Enrolment{ID: r.ID, ParticipantID: r.ParticipantID, Status: flows.EnrolmentStatus(r.Status),
			CreatedAt: r.CreatedAt, Course: c.domain(), Batch: byID[r.BatchID]}
		if e.Status == flows.Waiting {
			waiting[r.BatchID]++
			e.Position = waiting[r.BatchID]
		}
		entries = append(entries, flows.RosterEntry{Enrolment: e, Participant: who[r.ParticipantID].domain()})
	}
	return c.domain(), batches, entries, nil
}
