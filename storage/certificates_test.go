package storage_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/storage/storagetest"
)

// A certificate is issued once per enrolment, however many ask at once; serials only go up, so
// a number is never given again, whether the certificate was revoked or its holder deleted
// their data.
func TestCertificateNumbersAreNeverReused(t *testing.T) {
	t.Parallel()
	db := storagetest.DB(t)
	ctx := context.Background()
	b := sampleBatch(t, db, 10)
	ids := people(t, db, 3)
	var seats []int64
	for _, pid := range ids {
		e, err := db.Enrol(ctx, pid, b.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		seats = append(seats, e.ID)
	}
	// Two jobs (the completion's and the survey's) issue the first seat's at once.
	var wg sync.WaitGroup
	got := make([]flows.Certificate, 4)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := db.IssueCertificate(ctx, seats[0], now)
			if err != nil {
				t.Error(err)
			}
			got[i] = c
		}()
	}
	wg.Wait()
	for _, c := range got[1:] {
		if c.Number != got[0].Number || c.Code != got[0].Code {
			t.Fatalf("one enrolment, two certificates: %+v %+v", got[0], c)
		}
	}
	if !strings.HasSuffix(got[0].Number, "/001/2026") || got[0].Name != "Siti Aminah" || got[0].JP == 0 {
		t.Fatalf("first certificate %+v", got[0])
	}
	second, err := db.IssueCertificate(ctx, seats[1], now)
	if err != nil || !strings.Contains(second.Number, "/002/") {
		t.Fatalf("second %+v %v", second, err)
	}
	if _, err := db.RevokeCertificate(ctx, second.ID, "Salah cetak nama", flows.Actor{ID: 1, Name: "Admin"}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := db.DeleteParticipant(ctx, 1, now); err != nil { // the first holder's Telegram id
		t.Fatal(err)
	}
	kept, err := db.CertificateByCode(ctx, got[0].Code)
	if err != nil || kept.Name != "Siti Aminah" || kept.EnrolmentID != 0 {
		t.Errorf("the first certificate after its holder left: %+v %v", kept, err)
	}
	third, err := db.IssueCertificate(ctx, seats[2], now)
	if err != nil || !strings.Contains(third.Number, "/003/") {
		t.Errorf("third %+v %v", third, err)
	}
}
