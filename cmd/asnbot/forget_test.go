package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Review defect 8: /hapusdata removes every trace of a person. A registered participant with
// a seat (reminders planned), an announcement delivered and a half-typed change of profile,
// and a newcomer who left onboarding after typing a NIP and a phone, both delete their data;
// then every table is read whole, and every Redis key of the bot's prefix, and none may hold
// their Telegram id, NIP, phone, participant id or enrolment ids. What is not personal (the
// update markers, a flood counter) may name the id only for seconds.
func TestDeleteLeavesNoTrace(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.seed(course("MAN-ASN", "Manajemen ASN", batch("Angkatan I", 20, 2, 30)))
	admin := h.tg.User(newUserID(), "Admin")
	admin.Send("/start")
	admin.Next(t)

	a := h.tg.User(newUserID(), "Hapus")
	register(t, a, validNIP)
	a.Send("/start c_MAN-ASN")
	detail := a.Next(t)
	a.PressData(detail, fmt.Sprintf("k:y:%d", h.batchID("MAN-ASN", "Angkatan I")))
	expect(t, a, "Pendaftaran berhasil")
	a.Next(t) // the calendar file
	p, _ := h.participant(a.ID)
	var enrolments []int64
	h.db.Gorm().Raw("SELECT id FROM enrolments WHERE participant_id = ?", p.ID).Scan(&enrolments)
	h.announceToAll(t, admin.ID, "Pengumuman untuk semua peserta")
	expect(t, a, "Pengumuman untuk semua peserta")
	h.waitJobsDone(t)

	// Half way through correcting the phone, then /hapusdata.
	a.Send("/profil")
	card := expect(t, a, "Profil Anda")
	a.Press(t, card, "✏️ Ubah data")
	chooser := a.Next(t)
	a.Press(t, chooser, "Nomor ponsel")
	a.Next(t)
	a.Next(t)
	a.Send("/batal")
	expect(t, a, "dibatalkan")
	expect(t, a, "Menu Utama")
	a.Send("/hapusdata")
	confirm := expect(t, a, "Hapus seluruh data")
	a.Press(t, confirm, "🗑 Ya, hapus data saya")
	expect(t, a, "sudah dihapus")

	// A newcomer who typed a NIP and a phone, then deleted.
	b := h.tg.User(newUserID(), "Baru")
	const nipB, phoneB = "198709152016012002", "6285700001111"
	toStep(t, b, "Rina Lestari", nipB, "Pemprov Jateng", "BKD", "Analis")
	tapRank(t, b, b.Last(), "III/b")
	b.Next(t)
	b.Next(t)
	b.ShareContact(phoneB)
	b.Next(t)
	b.Next(t)
	b.Send("/batal") // the draft is put aside, not thrown away
	b.Next(t)
	b.Send("/hapusdata")
	b.Next(t)
	h.tg.WaitIdle(t)
	h.waitJobsDone(t)

	traces := []string{itoa(a.ID), strings.ReplaceAll(validNIP, " ", ""), "81234567890", itoa(b.ID), nipB, phoneB[2:]}
	var tables []string
	h.db.Gorm().Raw(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'
		AND table_type = 'BASE TABLE' AND table_name NOT IN ('goose_db_version', 'river_migration')`).Scan(&tables)
	if len(tables) < 15 {
		t.Fatalf("only %d tables: %v", len(tables), tables)
	}
	for _, table := range tables {
		var rows []string
		if err := h.db.Gorm().Raw(`SELECT to_jsonb(x)::text FROM ` + table + ` x`).Scan(&rows).Error; err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		for _, row := range rows {
			for i, s := range traces {
				found := strings.Contains(row, s)
				if i == 0 || i == 3 {
					// A Telegram id is short: a whole number, not digits inside another (a
					// pseudonym may hold "5058"). NIPs and phones are long enough to match as text.
					found = regexp.MustCompile(`(^|[^0-9])` + s + `([^0-9]|$)`).MatchString(row)
				}
				if found {
					t.Errorf("%s still holds %s: %s", table, s, cut(row))
				}
			}
			for _, field := range []string{`"participant_id": ` + itoa(p.ID) + `,`, `"participant_id": ` + itoa(p.ID) + `}`} {
				if strings.Contains(row, field) {
					t.Errorf("%s still names participant %d: %s", table, p.ID, cut(row))
				}
			}
			for _, e := range enrolments {
				if strings.Contains(row, `"enrolment_id": `+itoa(e)+`,`) || strings.Contains(row, `"enrolment_id": `+itoa(e)+`}`) {
					t.Errorf("%s still names enrolment %d: %s", table, e, cut(row))
				}
			}
		}
	}

	rdb := h.redis()
	ctx := context.Background()
	keys, err := rdb.Keys(ctx, h.env["REDIS_PREFIX"]+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		v := ""
		if rdb.Type(ctx, k).Val() == "string" {
			v = rdb.Get(ctx, k).Val()
		}
		for _, s := range traces[1:3] {
			if strings.Contains(v, s) {
				t.Errorf("Redis %s still holds %s", k, s)
			}
		}
		for _, s := range []string{nipB, phoneB[2:]} {
			if strings.Contains(v, s) {
				t.Errorf("Redis %s still holds %s", k, s)
			}
		}
		if strings.Contains(k, itoa(a.ID)) || strings.Contains(k, itoa(b.ID)) {
			if ttl := rdb.TTL(ctx, k).Val(); ttl < 0 || ttl > time.Minute {
				t.Errorf("Redis %s names the person for %v", k, ttl)
			}
		}
	}
}

func cut(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}
