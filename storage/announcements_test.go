package storage_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/storage/storagetest"
)

// TestStopWhileOutcomesAreRecorded: "Hentikan" pressed while many recipients' outcomes are
// being recorded neither deadlocks nor miscounts: every recipient is counted once, as sent or
// skipped, and the two add up.
func TestStopWhileOutcomesAreRecorded(t *testing.T) {
	t.Parallel()
	db := storagetest.DB(t)
	ctx := context.Background()
	now := time.Date(2027, 1, 11, 3, 0, 0, 0, time.UTC)
	const n = 60
	for i := range n {
		err := db.Gorm().Exec(`INSERT INTO participants (telegram_id, chat_id, name, nip, kind, agency, work_unit, job_title, grade, phone, consent_at)
			VALUES (?, ?, ?, ?, 'pns', 'Pemprov Jateng', 'BPSDM', 'Analis', 'III/a', '+628123', now())`,
			10000+i, 10000+i, fmt.Sprint("Peserta ", i), fmt.Sprintf("1987010120150110%02d", i)).Error
		if err != nil {
			t.Fatal(err)
		}
	}
	a := flows.Announcement{Audience: flows.Audience{Kind: flows.AudienceAll}, Body: "Halo", SendAt: now, Status: flows.AnnSending}
	if _, err := db.CreateAnnouncement(ctx, &a, "k", testActor, now); err != nil {
		t.Fatal(err)
	}
	started, ok, err := db.StartAnnouncement(ctx, a.ID, now)
	if err != nil || !ok || started.Total != n {
		t.Fatalf("start: %+v %v %v", started, ok, err)
	}
	var ids []int64
	db.Gorm().Raw("SELECT participant_id FROM announcement_recipients WHERE announcement_id = ? ORDER BY 1", a.ID).Scan(&ids)
	var wg sync.WaitGroup
	errs := make(chan error, n+1)
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i == n/2 {
				if _, _, err := db.StopAnnouncement(ctx, a.ID, testActor, now); err != nil {
					errs <- fmt.Errorf("stop: %w", err)
				}
			}
			if _, _, _, err := db.RecordOutcome(ctx, a.ID, id, flows.OutcomeSent, "", now, time.Second); err != nil {
				errs <- fmt.Errorf("record %d: %w", id, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got, err := db.Announcement(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var rows struct{ Sent, Skipped, Pending int }
	db.Gorm().Raw(`SELECT count(*) FILTER (WHERE status = 'sent') AS sent, count(*) FILTER (WHERE status = 'skipped') AS skipped,
		count(*) FILTER (WHERE status = 'pending') AS pending FROM announcement_recipients WHERE announcement_id = ?`, a.ID).Scan(&rows)
	if got.Sent != rows.Sent || got.Skipped != rows.Skipped || rows.Pending != 0 || got.Sent+got.Skipped != n {
		t.Errorf("counted %d sent, %d skipped; rows say %+v", got.Sent, got.Skipped, rows)
	}
}

// Someone who deletes their data while an announcement to them waits to be sent is still
// counted (skipped, as deleted) when their turn comes, so the announcement finishes.
func TestAnnouncementFinishesWhenARecipientDeletesTheirData(t *testing.T) {
	t.Parallel()
	db := storagetest.DB(t)
	ctx := context.Background()
	ids := people(t, db, 2)
	a := flows.Announcement{Audience: flows.Audience{Kind: flows.AudienceAll}, Body: "Halo", SendAt: now, Status: flows.AnnSending}
	if _, err := db.CreateAnnouncement(ctx, &a, "k", testActor, now); err != nil {
		t.Fatal(err)
	}
	if started, ok, err := db.StartAnnouncement(ctx, a.ID, now); err != nil || !ok || started.Total != 2 {
		t.Fatalf("start: %+v %v %v", started, ok, err)
	}
	if _, err := db.DeleteParticipant(ctx, 1, now); err != nil { // participant ids[0], Telegram id 1
		t.Fatal(err)
	}
	_, _, pending, found, err := db.AnnouncementTo(ctx, a.ID, ids[0])
	if err != nil || !pending || found {
		t.Fatalf("the deleted recipient's turn: pending %v, found %v, %v", pending, found, err)
	}
	if _, _, _, err := db.RecordOutcome(ctx, a.ID, ids[0], flows.OutcomeSkipped, flows.ReasonDeleted, now, time.Second); err != nil {
		t.Fatal(err)
	}
	done, _, finished, err := db.RecordOutcome(ctx, a.ID, ids[1], flows.OutcomeSent, "", now, time.Second)
	if err != nil || !finished || done.Status != flows.AnnDone {
		t.Errorf("the last recipient: %+v finished %v %v", done, finished, err)
	}
}
