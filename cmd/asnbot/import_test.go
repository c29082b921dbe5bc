package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"strings"
	"testing"
	"time"
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
