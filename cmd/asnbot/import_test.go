package main

import (
	"io"
	"os"
	"strings"
	"testing"
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
