package storage_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/asn"
	"github.com/bpsdm/asnbot/storage/storagetest"
)

// TestNIPClaimDecidedOnce: a claim filed twice is one row; deciding it checks the holder the
// admin saw, moves the NIP in one transaction (the holder keeps their record without it, the
// claimant is registered from the claim), and two decisions at once make one.
func TestNIPClaimDecidedOnce(t *testing.T) {
	t.Parallel()
	db := storagetest.DB(t)
	ctx := context.Background()
	const nip = "198609262015051001"
	holder := participant(1, nip)
	if err := db.SaveParticipant(ctx, &holder); err != nil {
		t.Fatal(err)
	}
	claim := flows.NIPClaim{NIP: nip, ClaimantID: 2, ClaimantChat: 2, TelegramName: "Budi",
		Profile: flows.Draft{Name: "Budi", Kind: asn.PNS, ConsentAt: now}}
	if _, err := db.FileClaim(ctx, claim, now); err != nil {
		t.Fatal(err)
	}
	claim.Profile.Name, claim.Profile.Agency = "Budi Santoso", "Pemprov Jateng"
	filed, err := db.FileClaim(ctx, claim, now)
	if err != nil || filed.Status != flows.ClaimPending || filed.Profile.Name != "Budi Santoso" {
		t.Fatalf("filed again: %+v, %v", filed, err)
	}
	if list, n, err := db.PendingClaims(ctx, 10); err != nil || n != 1 || len(list) != 1 || list[0].ID != filed.ID {
		t.Fatalf("pending: %+v %d %v", list, n, err)
	}
	v, err := db.ClaimView(ctx, filed.ID)
	if err != nil || v.Holder == nil || v.Holder.ID != holder.ID || v.Claimant != nil {
		t.Fatalf("view: %+v, %v", v, err)
	}

	if _, err := db.ResolveClaim(ctx, filed.ID, true, 0, testActor, now); !errors.Is(err, flows.ErrClaimChanged) {
		t.Errorf("a decision on a holder not shown: %v", err)
	}
	// Two admins (or two replicas) decide at once, each way: one decision is made.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, grant := range []bool{true, false} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = db.ResolveClaim(ctx, filed.ID, grant, holder.ID, testActor, now)
		}()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) || !(errors.Is(errs[0], flows.ErrClaimDecided) || errors.Is(errs[1], flows.ErrClaimDecided)) {
		t.Fatalf("two decisions at once: %v, %v", errs[0], errs[1])
	}
	decided, err := db.NIPClaim(ctx, filed.ID)
	if err != nil || decided.HolderID != 1 || decided.DecidedBy != testActor.ID {
		t.Fatalf("decided: %+v, %v", decided, err)
	}
	was, _ := db.Participant(ctx, 1)
	got, gotErr := db.Participant(ctx, 2)
	var audits, jobs int64
	db.Gorm().Raw("SELECT count(*) FROM audit_log WHERE action = ?", flows.AuditClaim).Scan(&audits)
	db.Gorm().Raw("SELECT count(*) FROM river_job WHERE kind = ?", flows.ClaimNotice{}.Kind()).Scan(&jobs)
	if decided.Status == flows.ClaimGranted {
		if was.NIP != "" || gotErr != nil || got.NIP != nip || got.Name != "Budi Santoso" || got.Agency != "Pemprov Jateng" || jobs != 2 {
			t.Errorf("granted: holder %+v, claimant %+v (%v), %d notices", was, got, gotErr, jobs)
		}
	} else if was.NIP != nip || !errors.Is(gotErr, flows.ErrNotFound) || jobs != 1 {
		t.Errorf("kept: holder %+v, claimant %v, %d notices", was, gotErr, jobs)
	}
	if audits != 1 {
		t.Errorf("%d audit rows, want 1", audits)
	}

	// Two participants may be without a NIP at once; one who enters a new one is whole again.
	other := participant(3, "198609262015051002")
	if err := db.SaveParticipant(ctx, &other); err != nil {
		t.Fatal(err)
	}
	second, err := db.FileClaim(ctx, flows.NIPClaim{NIP: other.NIP, ClaimantID: 4, ClaimantChat: 4,
		Profile: flows.Draft{Name: "Dewi", Kind: asn.PNS, ConsentAt: now}}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ResolveClaim(ctx, second.ID, true, other.ID, testActor, now); err != nil {
		t.Fatal(err)
	}
	if p, _ := db.Participant(ctx, 3); p.NIP != "" {
		t.Errorf("the second holder kept the NIP: %+v", p)
	}
	p, _ := db.Participant(ctx, 3)
	p.NIP = "198609262015051003"
	if err := db.SaveParticipant(ctx, &p); err != nil || p.NIP != "198609262015051003" {
		t.Errorf("a new NIP: %+v, %v", p, err)
	}

	// A claimant registered already (a PPPK with another NIP) gets the NIP on their own record;
	// a rank of the other kind of ASN goes.
	pppk := participant(5, "199001012022212003")
	pppk.Kind, pppk.Rank = asn.PPPK, "IX"
	if err := db.SaveParticipant(ctx, &pppk); err != nil {
		t.Fatal(err)
	}
	third, err := db.FileClaim(ctx, flows.NIPClaim{NIP: p.NIP, ClaimantID: 5, ClaimantChat: 5,
		Profile: flows.Draft{Name: pppk.Name, Kind: asn.PNS, ConsentAt: now}}, now)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := db.ClaimView(ctx, third.ID); err != nil || v.Claimant == nil || v.Claimant.ID != pppk.ID || v.Holder == nil {
		t.Fatalf("view of a registered claimant's claim: %+v, %v", v, err)
	}
	if _, err := db.ResolveClaim(ctx, third.ID, true, p.ID, testActor, now); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Participant(ctx, 5); got.ID != pppk.ID || got.NIP != p.NIP || got.Kind != asn.PNS || got.Rank != "" ||
		got.Agency != pppk.Agency {
		t.Errorf("the registered claimant after the move: %+v", got)
	}

	// Deleting the claimant takes their claims with them.
	if _, err := db.DeleteParticipant(ctx, 4, now); err != nil {
		t.Fatal(err)
	}
	if _, err := db.NIPClaim(ctx, second.ID); !errors.Is(err, flows.ErrNotFound) {
		t.Errorf("the deleted claimant's claim: %v", err)
	}
	if has, err := db.HasClaims(ctx, 4, false); err != nil || has {
		t.Errorf("claims of a deleted person: %v, %v", has, err)
	}
}
