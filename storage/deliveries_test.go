package storage_test

import (
	"context"
	"testing"

	"github.com/bpsdm/asnbot/storage/storagetest"
)

// TestDeliveryClaims: a key is sent once; an unsent claim is taken back by its own job's
// retry at once, by another job only once it is older than any job runs.
func TestDeliveryClaims(t *testing.T) {
	t.Parallel()
	db := storagetest.DB(t)
	ctx := context.Background()
	claim := func(key, owner string) bool {
		t.Helper()
		ok, err := db.ClaimDelivery(ctx, key, 42, owner)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !claim("k", "job:1") {
		t.Fatal("a new key was not claimed")
	}
	if claim("k", "job:2") {
		t.Error("another job took a fresh claim that is still being sent")
	}
	if !claim("k", "job:1") {
		t.Error("the job's own retry could not take back its unsent claim")
	}
	if err := db.DeliverySent(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if claim("k", "job:1") || claim("k", "job:3") {
		t.Error("a sent message was claimed again")
	}
	// A claim left by a replica that died: older than any job runs, any job takes it.
	if !claim("stale", "job:4") {
		t.Fatal("a new key was not claimed")
	}
	if err := db.Gorm().Exec("UPDATE deliveries SET created_at = now() - interval '2 minutes' WHERE key = 'stale'").Error; err != nil {
		t.Fatal(err)
	}
	if !claim("stale", "job:5") {
		t.Error("a claim left by a dead replica was not taken over")
	}
	// Released after a failed send: claimable again by anyone.
	if err := db.ReleaseDelivery(ctx, "stale"); err != nil {
		t.Fatal(err)
	}
	if !claim("stale", "job:6") {
		t.Error("a released claim was not claimable")
	}
}
