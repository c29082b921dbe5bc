package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/flows"
)

// TestImportCommandAllFormats loads the example catalogue with `asnbot import` in each format:
// the first load adds it, the others (the same catalogue) change nothing.
func TestImportCommandAllFormats(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	var outs []string
	for _, f := range []string{"katalog.csv", "katalog.xlsx", "katalog.yaml", "katalog.csv"} {
		var out strings.Builder
		env := map[string]string{"DATABASE_URL": h.env["DATABASE_URL"]}
		if err := run(t.Context(), []string{"import", "../../examples/" + f}, env, &out, io.Discard); err != nil {
			t.Fatalf("%s: %v\n%s", f, err, out.String())
		}
		outs = append(outs, out.String())
	}
	if !strings.Contains(outs[0], "0 changed, 0 unchanged") || strings.Contains(outs[0], "courses: 0 added") {
		t.Errorf("first import: %s", outs[0])
	}
	for i, o := range outs[1:] {
		if !strings.Contains(o, "courses: 0 added, 0 changed") || !strings.Contains(o, "batches: 0 added, 0 changed") {
			t.Errorf("import %d of the same catalogue changed something: %s", i+2, o)
		}
	}
	u := h.tg.User(newUserID(), "Kiki")
	register(t, u, validNIP)
	u.Send("/katalog")
	expect(t, u, "Katalog Pelatihan", "halaman 1/")
}

func TestAdminSendsCatalogueFile(t *testing.T) {
	t.Parallel()
	admin := newUserID()
	h := newHarness(t, map[string]string{"ADMIN_IDS": itoa(admin)})
	a := h.tg.User(admin, "Admin")
	h.seedParticipant(a, 3)
	good, err := os.ReadFile("../../examples/katalog.csv")
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(good), "klasikal", "tatap muka", 1)
	a.SendDocument("katalog-salah.csv", []byte(bad))
	expect(t, a, "ditolak", "tatap muka", "Baris")
	if _, _, err := h.db.Course(t.Context(), "x"); err == nil {
		t.Error("unexpected course")
	}
	if list, total, _ := h.db.Courses(t.Context(), coursesNow()); total != 0 {
		t.Errorf("a rejected file imported %d courses: %+v", total, list)
	}
	a.SendDocument("katalog.csv", good)
	expect(t, a, "sudah dimuat", "baru")
	a.SendDocument("katalog.csv", good)
	expect(t, a, "sudah dimuat", "0 baru, 0 diubah")

	// A participant's document is not an import.
	p := h.tg.User(newUserID(), "Lina")
	h.seedParticipant(p, 4)
	p.SendDocument("katalog.csv", good)
	expect(t, p, "khusus untuk admin")
}

// TestFileThatStoppedTheBotIsNotReadAgain: a read is recorded before the file is read, so a
// file whose read never ended (the process died in it, and the update comes back when the
// inbox is replayed after the restart) is refused instead of read again; an hour later, or
// once changed, it is read.
func TestFileThatStoppedTheBotIsNotReadAgain(t *testing.T) {
	t.Parallel()
	admin := newUserID()
	h := newHarness(t, map[string]string{"ADMIN_IDS": itoa(admin)})
	a := h.tg.User(admin, "Admin")
	h.seedParticipant(a, 3)
	good, err := os.ReadFile("../../examples/katalog.csv")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(good)
	digest := hex.EncodeToString(sum[:])

	// A read as a crash leaves it: begun, never ended.
	if fresh, err := h.db.BeginFileRead(t.Context(), digest, testNow.Add(-time.Minute)); err != nil || !fresh {
		t.Fatalf("begin read: %v %v", fresh, err)
	}
	a.SendDocument("katalog.csv", good)
	expect(t, a, "tidak kami baca lagi", "katalog.csv")
	if _, total, _ := h.db.Courses(t.Context(), coursesNow()); total != 0 {
		t.Errorf("the refused file imported %d courses", total)
	}

	// Another file is read meanwhile, and ends its read.
	changed := append(bytes.Clone(good), '\n')
	a.SendDocument("katalog-baru.csv", changed)
	expect(t, a, "sudah dimuat", "baru")
	var ended bool
	sum2 := sha256.Sum256(changed)
	if err := h.db.Gorm().Raw("SELECT finished_at IS NOT NULL FROM file_reads WHERE digest = ?", hex.EncodeToString(sum2[:])).Scan(&ended).Error; err != nil || !ended {
		t.Errorf("a file read to its end is not marked so (%v)", err)
	}

	// An hour after the read began, the same file is read again.
	h.clock.Set(testNow.Add(time.Hour))
	a.SendDocument("katalog.csv", good)
	expect(t, a, "sudah dimuat", "0 baru, 0 diubah")
}

// catalogueCSV is a catalogue file of one course, IMP-01, with a row per batch: name, start,
// end (2006-01-02 15:04, WIB) and quota.
func catalogueCSV(batches ...[4]string) []byte {
	var b strings.Builder
	b.WriteString("kode,judul,kategori,metode,jp,deskripsi,angkatan,mulai,selesai,lokasi,tautan_daring,kuota,pendaftaran_dibuka,pendaftaran_ditutup\n")
	for _, r := range batches {
		fmt.Fprintf(&b, "IMP-01,Manajemen Risiko,Manajerial,klasikal,24,Mengelola risiko.,%s,%s,%s,Kampus BPSDM,,%s,2026-11-01 00:00,2026-11-22 23:59\n",
			r[0], r[1], r[2], r[3])
	}
	return []byte(b.String())
}

// TestImportLeavesBatchesChangedSince (review defect 5): sending the catalogue file again
// changes neither a batch moved in chat since, nor a cancelled or ended one, tells nobody of
// a reversal, and the report lists each with its reason. Once the file agrees with the
// chat's change, the file rules that batch again.
func TestImportLeavesBatchesChangedSince(t *testing.T) {
	t.Parallel()
	admin := newUserID()
	h := newHarness(t, map[string]string{"ADMIN_IDS": itoa(admin)})
	a := h.tg.User(admin, "Admin")
	h.seedParticipant(a, 3)
	ctx := t.Context()
	one := [4]string{"Angkatan I", "2026-12-22 08:00", "2026-12-24 16:00", "30"}
	two := [4]string{"Angkatan II", "2027-01-12 08:00", "2027-01-14 16:00", "30"}
	three := [4]string{"Angkatan III", "2026-11-23 08:00", "2026-11-24 16:00", "30"}
	a.SendDocument("katalog.csv", catalogueCSV(one, two, three))
	expect(t, a, "sudah dimuat", "3 baru")
	id, id2, id3 := h.batchID("IMP-01", "Angkatan I"), h.batchID("IMP-01", "Angkatan II"), h.batchID("IMP-01", "Angkatan III")
	people, _ := h.enrolled(t, id, 500, "Ayu")

	// Angkatan I moves in chat, Angkatan II is cancelled, Angkatan III ends.
	moved := flows.BatchChange{Dates: true, StartsAt: day(37, 8), EndsAt: day(39, 16)}
	if _, err := h.db.ChangeBatch(ctx, id, moved, testNow, testActor); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.CancelBatch(ctx, id2, testNow, testActor); err != nil {
		t.Fatal(err)
	}
	waitJobs(t, h, "change_notice")
	nextWith(t, people[0], "Perubahan jadwal")
	h.clock.Set(time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC))

	// The old file, with more seats everywhere, comes again.
	more := func(b [4]string) [4]string { b[3] = "40"; return b }
	a.SendDocument("katalog.csv", catalogueCSV(more(one), more(two), more(three)))
	expect(t, a, "sudah dimuat", "Angkatan: 0 baru, 0 diubah, 0 tetap", "3 angkatan di berkas tidak kami ubah",
		"Baris 2 (IMP-01 · Angkatan I): jadwalnya diubah lewat chat pada Minggu, 22 November 2026 pukul 10.00 WIB",
		"Baris 3 (IMP-01 · Angkatan II): angkatan ini sudah dibatalkan",
		"Baris 4 (IMP-01 · Angkatan III): angkatan ini sudah selesai")
	_, b, err := h.db.Batch(ctx, id)
	if err != nil || !b.StartsAt.Equal(day(37, 8)) || b.Quota != 30 {
		t.Errorf("the import changed the batch moved in chat: %+v %v", b, err)
	}
	if _, b, _ := h.db.Batch(ctx, id2); b.Quota != 30 || b.Status != flows.BatchCancelled {
		t.Errorf("the import changed the cancelled batch: %+v", b)
	}
	if _, b, _ := h.db.Batch(ctx, id3); b.Quota != 30 {
		t.Errorf("the import changed the ended batch: %+v", b)
	}
	h.waitJobsDone(t)
	if n := countWith(people[0], "Perubahan jadwal"); n != 1 {
		t.Errorf("the participant was told of %d changes, want only the chat's", n)
	}

	// The admin brings the file in line with the chat's change: the file rules again.
	one = [4]string{"Angkatan I", "2026-12-29 08:00", "2026-12-31 16:00", "30"}
	a.SendDocument("katalog.csv", catalogueCSV(one, two, three))
	if m := expect(t, a, "sudah dimuat", "Angkatan: 0 baru, 0 diubah, 3 tetap"); strings.Contains(m.Text, "tidak kami ubah") {
		t.Errorf("a file that agrees with the batches reports some as kept: %q", m.Text)
	}
	a.SendDocument("katalog.csv", catalogueCSV(more(one), two, three))
	expect(t, a, "sudah dimuat", "Angkatan: 0 baru, 1 diubah, 2 tetap")
	if _, b, _ := h.db.Batch(ctx, id); b.Quota != 40 {
		t.Errorf("quota %d after the file agreed with the chat, want 40", b.Quota)
	}
}
