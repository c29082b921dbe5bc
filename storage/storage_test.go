package storage_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/asn"
	"github.com/bpsdm/asnbot/storage"
	"github.com/bpsdm/asnbot/storage/storagetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func countMigrations(t *testing.T, dsn string) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM goose_db_version WHERE version_id > 0").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func migrationFiles(t *testing.T) int {
	entries, err := os.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func TestMigrateTwice(t *testing.T) {
	t.Parallel()
	dsn := storagetest.DatabaseURL(t)
	db, err := storage.Open(context.Background(), dsn, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := range 2 {
		if err := db.Migrate(context.Background(), quiet); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
	}
	if got, want := countMigrations(t, dsn), migrationFiles(t); got != want {
		t.Errorf("%d migrations recorded, want %d", got, want)
	}
}

// TestMigrateFromTwoProcessesAtOnce starts this test binary twice as `migrate` processes on
// one empty database, as two replicas starting together would.
func TestMigrateFromTwoProcessesAtOnce(t *testing.T) {
	t.Parallel()
	dsn := storagetest.DatabaseURL(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	outs := make([][]byte, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperMigrateProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), "ASNBOT_HELPER_MIGRATE="+dsn)
			outs[i], errs[i] = cmd.CombinedOutput()
		}()
	}
	wg.Wait()
	for i := range 2 {
		if errs[i] != nil {
			t.Errorf("process %d: %v\n%s", i+1, errs[i], outs[i])
		}
	}
	if got, want := countMigrations(t, dsn), migrationFiles(t); got != want {
		t.Errorf("%d migrations recorded, want %d", got, want)
	}
}

// TestHelperMigrateProcess is the child of TestMigrateFromTwoProcessesAtOnce.
func TestHelperMigrateProcess(t *testing.T) {
	dsn := os.Getenv("ASNBOT_HELPER_MIGRATE")
	if dsn == "" {
		return // only meaningful as a child process
	}
	db, err := storage.Open(context.Background(), dsn, storage.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(context.Background(), quiet); err != nil {
		t.Fatal(err)
	}
}

func TestOpenCreatesTheDatabase(t *testing.T) {
	t.Parallel()
	dsn := storagetest.DatabaseURL(t)
	// Drop it again: Open must create it by itself.
	name := dsn[strings.LastIndex(dsn, "/")+1:]
	if i := strings.Index(name, "?"); i >= 0 {
		name = name[:i]
	}
	admin, err := pgx.Connect(context.Background(), storagetest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(context.Background(), "DROP DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 2 { // two replicas racing to create it
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := storage.Open(context.Background(), dsn, storage.Options{})
			if err != nil {
				t.Error(err)
				return
			}
			_ = db.Close()
		}()
	}
	wg.Wait()
}

func participant(tgID int64, nip string) flows.Participant {
	return flows.Participant{
		TelegramID: tgID, ChatID: tgID, Name: "Siti Aminah", NIP: nip, Kind: asn.PNS,
		Agency: "Pemprov Jateng", Unit: "Disdikbud", Position: "Analis", Rank: "III/a",
		Phone: "+6281234567890", ConsentAt: time.Now().UTC(),
	}
}

func TestParticipants(t *testing.T) {
	t.Parallel()
	db := storagetest.DB(t)
	ctx := context.Background()
	if _, err := db.Participant(ctx, 1); !errors.Is(err, flows.ErrNotFound) {
		t.Fatalf("missing participant: %v", err)
	}
	p := participant(1, "198609262015051001")
	if err := db.SaveParticipant(ctx, &p); err != nil {
		t.Fatal(err)
	}
	if p.ID == 0 || p.CreatedAt.IsZero() {
		t.Errorf("saved without id: %+v", p)
	}
	again := p
	again.Position = "Analis Ahli Muda"
	if err := db.SaveParticipant(ctx, &again); err != nil { // the same user saving twice: an update
		t.Fatal(err)
	}
	if again.ID != p.ID || again.Position != "Analis Ahli Muda" {
		t.Errorf("upsert gave %+v", again)
	}
	other := participant(2, "198609262015051001")
	if err := db.SaveParticipant(ctx, &other); !errors.Is(err, flows.ErrNIPTaken) {
		t.Errorf("same NIP for another account: %v", err)
	}
	if owner, err := db.NIPOwner(ctx, "198609262015051001"); err != nil || owner != 1 {
		t.Errorf("owner %d, %v", owner, err)
	}
	if err := db.MarkUnreachable(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Participant(ctx, 1); !got.Unreachable {
		t.Error("not marked unreachable")
	}
	if err := db.MarkReachable(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Participant(ctx, 1); got.Unreachable {
		t.Error("still unreachable")
	}
	if _, err := db.DeleteParticipant(ctx, 1, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Participant(ctx, 1); !errors.Is(err, flows.ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
}

func TestStateAndLocks(t *testing.T) {
	t.Parallel()
	r := storagetest.Redis(t, storage.RedisOptions{StateTTL: time.Hour})
	ctx := context.Background()
	s, err := r.LoadState(ctx, 5)
	if err != nil || s.Flow != "" {
		t.Fatalf("empty state: %+v %v", s, err)
	}
	want := flows.State{Version: 1, Flow: "onboarding", Step: "nip", Draft: flows.Draft{Name: "Budi"}}
	if err := r.SaveState(ctx, 5, want); err != nil {
		t.Fatal(err)
	}
	if got, _ := r.LoadState(ctx, 5); got.Step != "nip" || got.Draft.Name != "Budi" {
		t.Errorf("loaded %+v", got)
	}
	if err := r.ClearState(ctx, 5); err != nil {
		t.Fatal(err)
	}

	end, seen, err := r.BeginUpdate(ctx, 5, 99, time.Second)
	if err != nil || seen {
		t.Fatalf("a fresh update: seen %v, %v", seen, err)
	}
	if _, ok, _ := r.TryLock(ctx, "chat:5", time.Second); ok {
		t.Error("a held lock was taken twice")
	}
	if err := end(true); err != nil {
		t.Fatal(err)
	}
	l2, ok, err := r.TryLock(ctx, "chat:5", time.Second)
	if !ok || err != nil {
		t.Fatalf("free lock not taken: %v", err)
	}
	// As if its TTL ran out: the old holder must not extend or free the next one's lock.
	r.Client().Del(ctx, r.Prefix()+"lock:chat:5")
	l3, ok, _ := r.TryLock(ctx, "chat:5", time.Second)
	if !ok {
		t.Fatal("expired lock not free")
	}
	if err := l2.Extend(ctx); !errors.Is(err, storage.ErrLockLost) {
		t.Errorf("extend of an expired lock: %v", err)
	}
	_ = l2.Unlock(ctx)
	if _, ok, _ := r.TryLock(ctx, "chat:5", time.Second); ok {
		t.Error("an expired holder released the new holder's lock")
	}
	_ = l3.Unlock(ctx)

	end, seen, err = r.BeginUpdate(ctx, 5, 99, time.Second)
	if err != nil || !seen {
		t.Errorf("a handled update not recognised: seen %v, %v", seen, err)
	}
	if err == nil {
		_ = end(false)
	}
}

// testActor is who the audit log names for changes a test makes.
var testActor = flows.Actor{ID: 1, Name: "uji"}
