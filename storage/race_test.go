package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/catalogfile"
	"github.com/bpsdm/asnbot/storage"
	"github.com/bpsdm/asnbot/storage/storagetest"
)

// The tests here make two writers meet in a set order: a transaction of the test's own takes
// the batch's lock and changes what the other writer is about to read, the other writer is
// started and waits for the lock (awaitLockWait sees it waiting in pg_stat_activity), then the
// test's transaction commits.

// sampleBatch imports sampleCourse(quota) and returns its batch.
func sampleBatch(t testing.TB, db *storage.DB, quota int) flows.Batch {
	t.Helper()
	ctx := context.Background()
	if _, err := db.Import(ctx, []catalogfile.Course{sampleCourse(quota)}, now, testActor); err != nil {
		t.Fatal(err)
	}
	_, batches, err := db.Course(ctx, "TEK-01")
	if err != nil || len(batches) != 1 {
		t.Fatalf("sample batch: %v %v", batches, err)
	}
	return batches[0]
}

// people saves n registered participants (Telegram ids 1 to n) and returns their ids.
func people(t testing.TB, db *storage.DB, n int) []int64 {
	t.Helper()
	ids := make([]int64, n)
	for i := range ids {
		p := participant(int64(i+1), fmt.Sprintf("19860926201505%04d", i+1))
		if err := db.SaveParticipant(context.Background(), &p); err != nil {
			t.Fatal(err)
		}
		ids[i] = p.ID
	}
	return ids
}

// awaitLockWait waits until some statement of the database waits for a lock.
func awaitLockWait(t *testing.T, db *storage.DB) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var waiting int64
		db.Gorm().Raw(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND wait_event_type = 'Lock'`).Scan(&waiting)
		if waiting > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("nothing waited for the lock")
}

// Defect 3 of the review: an enrolment made while a schedule change commits plans its
// reminders for the start the batch has once the change is in, not for the old one.
func TestEnrolDuringAScheduleChangePlansForTheNewStart(t *testing.T) {
	t.Parallel()
	db := storagetest.DB(t)
	ctx := context.Background()
	b := sampleBatch(t, db, 10)
	pid := people(t, db, 1)[0]
	later := b.StartsAt.AddDate(0, 0, 7)
	change := db.Gorm().Begin()
	defer change.Rollback()
	if err := change.Exec("SELECT id FROM batches WHERE id = ? FOR UPDATE", b.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := change.Exec("UPDATE batches SET starts_at = ?, ends_at = ?, reg_closes_at = ? WHERE id = ?",
		later, later.Add(72*time.Hour), later.Add(-time.Hour), b.ID).Error; err != nil {
		t.Fatal(err)
	}
	done := make(chan flows.Enrolment)
	go func() {
		e, err := db.Enrol(ctx, pid, b.ID, now)
		if err != nil {
			t.Error(err)
		}
		done <- e
	}()
	awaitLockWait(t, db)
	if err := change.Commit().Error; err != nil {
		t.Fatal(err)
	}
	e := <-done
	if !e.Batch.StartsAt.Equal(later) {
		t.Errorf("the enrolment shows the start %v, want the new %v", e.Batch.StartsAt, later)
	}
	var starts []time.Time
	db.Gorm().Raw("SELECT DISTINCT (args->>'starts_at')::timestamptz FROM river_job WHERE kind = 'reminder'").Scan(&starts)
	if len(starts) != 1 || !starts[0].Equal(later) {
		t.Errorf("reminders planned for %v, want only the new start %v", starts, later)
	}
}

// Defect 2 of the review: quota 1, A has the seat, B and C wait. A cancels, which moves B up,
// while B cancels too. B's cancellation must find B holding the seat, so that C moves up.
func TestCancelWhileBeingMovedUpPassesTheSeatOn(t *testing.T) {
	t.Parallel()
	db := storagetest.DB(t)
	ctx := context.Background()
	b := sampleBatch(t, db, 1)
	ids := people(t, db, 3)
	var es []flows.Enrolment
	for _, id := range ids {
		e, err := db.Enrol(ctx, id, b.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, e)
	}
	if es[0].Status != flows.Registered || es[1].Status != flows.Waiting || es[2].Status != flows.Waiting {
		t.Fatalf("setup: %s %s %s", es[0].Status, es[1].Status, es[2].Status)
	}
	// A's cancellation, as Cancel writes it, held open while B cancels.
	other := db.Gorm().Begin()
	defer other.Rollback()
	if err := other.Exec("SELECT id FROM batches WHERE id = ? FOR UPDATE", b.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := other.Exec("UPDATE enrolments SET status = 'batal', cancelled_at = now() WHERE id = ?", es[0].ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := other.Exec("UPDATE enrolments SET status = 'terdaftar' WHERE id = ?", es[1].ID).Error; err != nil {
		t.Fatal(err)
	}
	type result struct {
		promo *flows.Promotion
		err   error
	}
	done := make(chan result)
	go func() {
		_, promo, err := db.Cancel(ctx, ids[1], es[1].ID, now)
		done <- result{promo, err}
	}()
	awaitLockWait(t, db)
	if err := other.Commit().Error; err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.promo == nil || r.promo.Enrolment.ID != es[2].ID {
		t.Errorf("B's cancellation moved up %+v, want C (%d)", r.promo, es[2].ID)
	}
	var registered, waiting int64
	db.Gorm().Raw("SELECT count(*) FILTER (WHERE status = 'terdaftar'), count(*) FILTER (WHERE status = 'daftar_tunggu') FROM enrolments WHERE batch_id = ?", b.ID).Row().Scan(&registered, &waiting)
	if registered != 1 || waiting != 0 {
		t.Errorf("%d registered and %d waiting, want C registered and nobody waiting", registered, waiting)
	}
}

// A second tap that waits for the first one's lock on the participant returns the first
// tap's enrolment once it commits: the check is read after the lock, not in the statement
// that waited for it (its snapshot would predate the first tap's commit).
func TestSecondTapWaitingForTheFirstReturnsItsEnrolment(t *testing.T) {
	t.Parallel()
	db := storagetest.DB(t)
	ctx := context.Background()
	b := sampleBatch(t, db, 10)
	pid := people(t, db, 1)[0]
	first := db.Gorm().Begin()
	defer first.Rollback()
	if err := first.Exec("SELECT id FROM participants WHERE id = ? FOR UPDATE", pid).Error; err != nil {
		t.Fatal(err)
	}
	var firstID int64
	if err := first.Raw("INSERT INTO enrolments (participant_id, batch_id, status) VALUES (?, ?, 'terdaftar') RETURNING id",
		pid, b.ID).Scan(&firstID).Error; err != nil {
		t.Fatal(err)
	}
	type result struct {
		e   flows.Enrolment
		err error
	}
	done := make(chan result)
	go func() {
		e, err := db.Enrol(ctx, pid, b.ID, now)
		done <- result{e, err}
	}()
	awaitLockWait(t, db)
	if err := first.Commit().Error; err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil || !r.e.Existing || r.e.ID != firstID {
		t.Errorf("the second tap: %+v %v, want the first tap's enrolment %d", r.e, r.err, firstID)
	}
}

// An enrolment that waits while a cancellation frees the last seat takes that seat with its
// notices planned: what it reads of the batch is read after the batch's lock.
func TestEnrolWaitingForACancellationGetsTheSeatWithItsNotices(t *testing.T) {
	t.Parallel()
	db := storagetest.DB(t)
	ctx := context.Background()
	b := sampleBatch(t, db, 1)
	ids := people(t, db, 2)
	a, err := db.Enrol(ctx, ids[0], b.ID, now)
	if err != nil || a.Status != flows.Registered {
		t.Fatalf("A: %+v %v", a, err)
	}
	cancel := db.Gorm().Begin()
	defer cancel.Rollback()
	if err := cancel.Exec("SELECT id FROM batches WHERE id = ? FOR UPDATE", b.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := cancel.Exec("UPDATE enrolments SET status = 'batal', cancelled_at = now() WHERE id = ?", a.ID).Error; err != nil {
		t.Fatal(err)
	}
	type result struct {
		e   flows.Enrolment
		err error
	}
	done := make(chan result)
	go func() {
		e, err := db.Enrol(ctx, ids[1], b.ID, now)
		done <- result{e, err}
	}()
	awaitLockWait(t, db)
	if err := cancel.Commit().Error; err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil || r.e.Status != flows.Registered {
		t.Fatalf("B: %+v %v, want the freed seat", r.e, r.err)
	}
	var reminders int64
	db.Gorm().Raw("SELECT count(*) FROM river_job WHERE kind = 'reminder' AND (args->>'enrolment_id')::bigint = ?", r.e.ID).Scan(&reminders)
	if reminders == 0 {
		t.Error("B holds the seat with no reminders planned")
	}
}
