package storage_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/catalogfile"
	"github.com/bpsdm/asnbot/storage/storagetest"
)

var now = time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)

func sampleCourse(quota int) catalogfile.Course {
	start := now.Add(30 * 24 * time.Hour)
	return catalogfile.Course{Code: "TEK-01", Title: "Analisis Jabatan", Category: "Teknis", Method: "klasikal", JP: 32,
		Published: true, Batches: []catalogfile.Batch{{Name: "Angkatan I", Start: start, End: start.Add(72 * time.Hour),
			TimeZone: "Asia/Jakarta", Location: "Semarang", Quota: quota, RegOpens: now.Add(-time.Hour), RegCloses: start.Add(-time.Hour)}}}
}

func TestImportIsIdempotentAndDetectsChanges(t *testing.T) {
	t.Parallel()
	db := storagetest.DB(t)
	ctx := context.Background()
	rep, err := db.Import(ctx, []catalogfile.Course{sampleCourse(30)}, now, testActor)
	if err != nil || rep.CoursesAdded != 1 || rep.BatchesAdded != 1 {
		t.Fatalf("first import %+v %v", rep, err)
	}
	rep, err = db.Import(ctx, []catalogfile.Course{sampleCourse(30)}, now, testActor)
	if err != nil || counts(rep) != [6]int{0, 0, 1, 0, 0, 1} {
		t.Errorf("same file again %+v %v", rep, err)
	}
	changed := sampleCourse(35)
	changed.Title = "Analisis Jabatan dan Beban Kerja"
	rep, err = db.Import(ctx, []catalogfile.Course{changed}, now, testActor)
	if err != nil || counts(rep) != [6]int{0, 1, 0, 0, 1, 0} {
		t.Errorf("changed file %+v %v", rep, err)
	}
	c, batches, err := db.Course(ctx, "TEK-01")
	if err != nil || c.Title != "Analisis Jabatan dan Beban Kerja" || len(batches) != 1 || batches[0].Quota != 35 {
		t.Errorf("stored %+v %+v %v", c, batches, err)
	}
}

// Notes and contact are stored and read back; changing only them is no change of schedule:
// nobody enrolled is told anything.
func TestNotesAndContactAreNoScheduleChange(t *testing.T) {
	t.Parallel()
	db := storagetest.DB(t)
	ctx := context.Background()
	c := sampleCourse(30)
	c.Batches[0].Notes, c.Batches[0].ContactName, c.Batches[0].ContactWA = "Membawa laptop", "Ibu Rina", "6281234567891"
	if _, err := db.Import(ctx, []catalogfile.Course{c}, now, testActor); err != nil {
		t.Fatal(err)
	}
	_, batches, err := db.Course(ctx, "TEK-01")
	if err != nil || batches[0].Notes != "Membawa laptop" || batches[0].ContactName != "Ibu Rina" ||
		batches[0].WhatsApp() != "https://wa.me/6281234567891" {
		t.Fatalf("stored %+v %v", batches, err)
	}
	p := participant(1, "198609262015051001")
	if err := db.SaveParticipant(ctx, &p); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Enrol(ctx, p.ID, batches[0].ID, now); err != nil {
		t.Fatal(err)
	}
	c.Batches[0].Notes, c.Batches[0].ContactWA = "Membawa laptop dan SK terakhir", "6285700001111"
	rep, err := db.Import(ctx, []catalogfile.Course{c}, now, testActor)
	if err != nil || rep.Notified != 0 || rep.BatchesChanged != 1 {
		t.Errorf("a change of notes: %+v %v", rep, err)
	}
	_, b, err := db.Batch(ctx, batches[0].ID)
	if err != nil || b.Notes != "Membawa laptop dan SK terakhir" || b.ContactWA != "6285700001111" {
		t.Errorf("after the second import %+v %v", b, err)
	}
}

func counts(r flows.ImportReport) [6]int {
	return [6]int{r.CoursesAdded, r.CoursesChanged, r.CoursesUnchanged, r.BatchesAdded, r.BatchesChanged, r.BatchesUnchanged}
}

// TestMoreSeatsGoToTheWaitingListFirst: an admin raises a full batch's quota; those waiting
// get the seats, in order, before anyone new.
func TestMoreSeatsGoToTheWaitingListFirst(t *testing.T) {
	t.Parallel()
	db := storagetest.DB(t)
	ctx := context.Background()
	if _, err := db.Import(ctx, []catalogfile.Course{sampleCourse(1)}, now, testActor); err != nil {
		t.Fatal(err)
	}
	_, batches, _ := db.Course(ctx, "TEK-01")
	var enrolled []flows.Enrolment
	for i := range 4 {
		p := participant(int64(i+1), fmt.Sprintf("19860926201505100%d", i+1))
		if err := db.SaveParticipant(ctx, &p); err != nil {
			t.Fatal(err)
		}
		e, err := db.Enrol(ctx, p.ID, batches[0].ID, now)
		if err != nil {
			t.Fatal(err)
		}
		enrolled = append(enrolled, e)
	}
	rep, err := db.Import(ctx, []catalogfile.Course{sampleCourse(3)}, now, testActor)
	if err != nil || len(rep.Promotions) != 2 || rep.Promotions[0].ChatID != 2 || rep.Promotions[1].ChatID != 3 {
		t.Fatalf("quota 1 → 3: %+v %v", rep.Promotions, err)
	}
	last, _ := db.Enrolment(ctx, enrolled[3].ParticipantID, enrolled[3].ID)
	if last.Status != flows.Waiting || last.Position != 1 {
		t.Errorf("the fourth: %+v", last)
	}
}

func TestEnrolWaitCancelPromote(t *testing.T) {
	t.Parallel()
	db := storagetest.DB(t)
	ctx := context.Background()
	if _, err := db.Import(ctx, []catalogfile.Course{sampleCourse(1)}, now, testActor); err != nil {
		t.Fatal(err)
	}
	_, batches, _ := db.Course(ctx, "TEK-01")
	b := batches[0]
	var ids []int64
	for i, nip := range []string{"198609262015051001", "198609262015051002", "198609262015051003"} {
		p := participant(int64(i+1), nip)
		if err := db.SaveParticipant(ctx, &p); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	first, err := db.Enrol(ctx, ids[0], b.ID, now)
	if err != nil || first.Status != flows.Registered {
		t.Fatalf("first %+v %v", first, err)
	}
	second, _ := db.Enrol(ctx, ids[1], b.ID, now)
	third, _ := db.Enrol(ctx, ids[2], b.ID, now)
	if second.Status != flows.Waiting || second.Position != 1 || third.Position != 2 {
		t.Errorf("waiting %+v %+v", second, third)
	}
	again, err := db.Enrol(ctx, ids[0], b.ID, now)
	if err != nil || !again.Existing || again.ID != first.ID {
		t.Errorf("a second enrolment %+v %v", again, err)
	}
	late := participant(9, "198609262015051009")
	_ = db.SaveParticipant(ctx, &late)
	if _, err := db.Enrol(ctx, late.ID, b.ID, b.StartsAt); !errors.Is(err, flows.ErrBatchUnavailable) {
		t.Errorf("enrol once the batch started: %v", err)
	}
	cancelled, promo, err := db.Cancel(ctx, ids[0], first.ID, now)
	if err != nil || cancelled.Status != flows.Cancelled || promo == nil || promo.Enrolment.ID != second.ID || promo.ChatID != 2 {
		t.Fatalf("cancel %+v %+v %v", cancelled, promo, err)
	}
	var jobs int64
	db.Gorm().Raw("SELECT count(*) FROM river_job WHERE kind = 'promotion_notice' AND args->>'enrolment_id' = ?",
		fmt.Sprint(second.ID)).Scan(&jobs)
	if jobs != 1 {
		t.Errorf("%d promotion notices queued with the cancellation, want 1", jobs)
	}
	if _, _, err := db.Cancel(ctx, ids[0], first.ID, now); !errors.Is(err, flows.ErrNotCancellable) {
		t.Errorf("cancel twice: %v", err)
	}
	third, _ = db.Enrolment(ctx, ids[2], third.ID)
	if third.Position != 1 {
		t.Errorf("third moved to %d, want 1", third.Position)
	}
	// The promoted participant deletes their data: their seat goes to the third.
	promos, err := db.DeleteParticipant(ctx, 2, now)
	if err != nil || len(promos) != 1 || promos[0].ChatID != 3 {
		t.Errorf("delete %+v %v", promos, err)
	}
}

func TestWindowAndClash(t *testing.T) {
	t.Parallel()
	db := storagetest.DB(t)
	ctx := context.Background()
	a := sampleCourse(10)
	b := sampleCourse(10)
	b.Code, b.Title = "TEK-02", "Naskah Dinas"
	b.Batches[0].Start = b.Batches[0].Start.Add(24 * time.Hour) // overlaps a's three days
	b.Batches[0].End = b.Batches[0].Start.Add(8 * time.Hour)
	if _, err := db.Import(ctx, []catalogfile.Course{a, b}, now, testActor); err != nil {
		t.Fatal(err)
	}
	p := participant(1, "198609262015051001")
	_ = db.SaveParticipant(ctx, &p)
	_, ab, _ := db.Course(ctx, "TEK-01")
	_, bb, _ := db.Course(ctx, "TEK-02")
	if _, err := db.Enrol(ctx, p.ID, ab[0].ID, now.Add(-2*time.Hour)); err == nil {
		t.Error("enrolled before the window opened")
	} else if w := new(flows.WindowError); !errors.As(err, &w) {
		t.Errorf("before window: %v", err)
	}
	if _, err := db.Enrol(ctx, p.ID, ab[0].ID, now); err != nil {
		t.Fatal(err)
	}
	var clash *flows.ClashError
	if _, err := db.Enrol(ctx, p.ID, bb[0].ID, now); !errors.As(err, &clash) || clash.Course.Code != "TEK-01" {
		t.Errorf("clash: %v", err)
	}
}

// TestWithdrawnCourseTakesNoEnrolment: an old button for a course an admin unpublished.
func TestWithdrawnCourseTakesNoEnrolment(t *testing.T) {
	t.Parallel()
	db := storagetest.DB(t)
	ctx := context.Background()
	c := sampleCourse(10)
	if _, err := db.Import(ctx, []catalogfile.Course{c}, now, testActor); err != nil {
		t.Fatal(err)
	}
	_, batches, _ := db.Course(ctx, "TEK-01")
	c.Published = false
	if _, err := db.Import(ctx, []catalogfile.Course{c}, now, testActor); err != nil {
		t.Fatal(err)
	}
	p := participant(1, "198609262015051001")
	_ = db.SaveParticipant(ctx, &p)
	if _, err := db.Enrol(ctx, p.ID, batches[0].ID, now); !errors.Is(err, flows.ErrBatchUnavailable) {
		t.Errorf("enrolled in a withdrawn course: %v", err)
	}
}

// TestConcurrentEnrolmentsFillTheQuotaAndNumberTheLine: fifty people enrol in a batch of ten
// at once. Exactly ten get a seat, the forty others are told places 1 to 40, each once, and
// the line is kept in that order: a cancelled seat goes to place 1.
func TestConcurrentEnrolmentsFillTheQuotaAndNumberTheLine(t *testing.T) {
	t.Parallel()
	db := storagetest.DB(t)
	ctx := context.Background()
	b := sampleBatch(t, db, 10)
	const n = 50
	ids := people(t, db, n)
	got := make([]flows.Enrolment, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e, err := db.Enrol(ctx, ids[i], b.ID, now)
			if err != nil {
				t.Error(err)
			}
			got[i] = e
		}()
	}
	wg.Wait()
	seats, places := 0, map[int]int64{}
	for _, e := range got {
		switch e.Status {
		case flows.Registered:
			seats++
		case flows.Waiting:
			if other, dup := places[e.Position]; dup {
				t.Errorf("place %d told to enrolments %d and %d", e.Position, other, e.ID)
			}
			places[e.Position] = e.ID
		}
	}
	if seats != 10 || len(places) != 40 || places[1] == 0 || places[40] == 0 {
		t.Fatalf("%d seats, places %v", seats, places)
	}
	var reminded int64
	db.Gorm().Raw("SELECT count(DISTINCT args->>'enrolment_id') FROM river_job WHERE kind = 'reminder'").Scan(&reminded)
	if reminded != 10 {
		t.Errorf("reminders planned for %d enrolments, want the 10 seats", reminded)
	}
	for i, e := range got { // the places stay as told
		if e.Status != flows.Waiting {
			continue
		}
		mine, err := db.Enrolments(ctx, ids[i])
		if err != nil || len(mine) != 1 || mine[0].Position != e.Position {
			t.Errorf("enrolment %d was told place %d, now reads %+v %v", e.ID, e.Position, mine, err)
		}
	}
	for i, e := range got {
		if e.Status == flows.Registered {
			_, promo, err := db.Cancel(ctx, ids[i], e.ID, now)
			if err != nil || promo == nil || promo.Enrolment.ID != places[1] {
				t.Fatalf("the seat went to %+v (%v), want place 1 (%d)", promo, err, places[1])
			}
			break
		}
	}
}
