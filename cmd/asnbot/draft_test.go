package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

// A registration left halfway is kept seven days (the user may be looking for their SK to copy
// the NIP); after that, the user who comes back is told the session ended and offered a fresh
// start, whether they type their next answer or tap an old button.
func TestRegistrationDraftKeptSevenDaysThenToldItEnded(t *testing.T) {
	t.Parallel()
	h := newHarness(t, map[string]string{"FLOOD_LIMIT": "1000"})
	rdb := h.redis()
	ctx := context.Background()
	key := func(kind string, u int64) string { return h.env["REDIS_PREFIX"] + kind + ":" + itoa(u) }

	// Stopped at the NIP question: the draft lives seven days, its mark thirty-seven.
	u := h.tg.User(newUserID(), "Lina")
	toStep(t, u, "Lina Marlina")
	if q := u.Last(); !strings.Contains(q.Text, "NIP") {
		t.Fatalf("not at the NIP question: %q", q.Text)
	}
	if ttl := rdb.TTL(ctx, key("state", u.ID)).Val(); ttl < 7*24*time.Hour-time.Minute || ttl > 7*24*time.Hour {
		t.Errorf("the draft is kept %v, want 7 days", ttl)
	}
	if ttl := rdb.TTL(ctx, key("draft", u.ID)).Val(); ttl < 37*24*time.Hour-time.Minute {
		t.Errorf("the draft's mark is kept %v", ttl)
	}
	// Within the seven days, the answers go on where they stopped.
	u.Send(validNIP)
	expect(t, u, "instansi")
	u.Send("Pemprov Jateng")
	expect(t, u, "unit kerja")

	// The draft expires (as its TTL would: the key goes, the mark stays). The NIP-like answer
	// typed next is not taken for a search, nor met with "please register".
	rdb.Del(ctx, key("state", u.ID))
	u.Send("BKD Provinsi")
	ended := expect(t, u, "Sesi pendaftaran Anda sebelumnya sudah berakhir", "7 hari", "isian sebelumnya tidak tersimpan")
	if !hasButton(ended, "📝 Mulai pendaftaran") {
		t.Fatalf("no way to start again: %v", ended.ButtonTexts())
	}
	// Said once: the next input is answered as usual.
	u.Send("halo")
	if m := u.Next(t); strings.Contains(m.Text, "sudah berakhir") {
		t.Errorf("told twice: %q", m.Text)
	}
	u.Press(t, ended, "📝 Mulai pendaftaran")
	consent := expect(t, u, "Selamat datang")
	consent = expect(t, u, "Apakah Anda setuju")
	u.Press(t, consent, "✅ Setuju")
	expect(t, u, "persetujuan")
	expect(t, u, "nama lengkap")

	// An old button of an expired draft gets the same answer.
	v := h.tg.User(newUserID(), "Maya")
	toStep(t, v, "Maya Sari", validNIPPPPK, "Pemprov Jateng", "BKD", "Guru")
	rank := v.Last()
	rdb.Del(ctx, key("state", v.ID))
	v.Press(t, rank, "IX")
	expect(t, v, "Sesi pendaftaran Anda sebelumnya sudah berakhir")
	if _, ok := h.participant(v.ID); ok {
		t.Error("a profile was saved from an expired draft")
	}

	// Someone who never started gets today's answers; /batal ends a draft and its mark.
	w := h.tg.User(newUserID(), "Nina")
	w.Send("198609262015051001")
	if m := w.Next(t); strings.Contains(m.Text, "sudah berakhir") {
		t.Errorf("a newcomer told of a session they never had: %q", m.Text)
	}
	toStep(t, w, "Nina Lestari")
	w.Send("/batal")
	w.Next(t)
	if n := rdb.Exists(ctx, key("state", w.ID), key("draft", w.ID)).Val(); n != 0 {
		t.Errorf("/batal left %d keys", n)
	}
}
