package main

import (
	"strings"
	"testing"
)

// The rank may be typed as ASN write it, in onboarding and when editing the profile.
func TestTypedRank(t *testing.T) {
	t.Parallel()
	h := newHarness(t, map[string]string{"FLOOD_LIMIT": "1000"})
	u := h.tg.User(newUserID(), "Yusuf")
	toStep(t, u, "Yusuf Hidayat", validNIP, "Pemprov Jateng", "BKD", "Analis SDM Aparatur")
	if q := u.Last(); !hasButton(q, "III") || len(q.Buttons) != 1 {
		t.Fatalf("the rank question: %+v", q)
	}
	rankQ := u.Last()
	u.Send("penata muda")
	expect(t, u, "“penata muda” belum kami kenali sebagai golongan PNS", "III/b")
	expect(t, u, "golongan")
	u.Send("gol. 3b")
	expect(t, u, "Golongan: III/b – Penata Muda Tingkat I")
	expect(t, u, "nomor ponsel")
	// A group button of the rank question, tapped late at the phone question: an old button.
	u.Press(t, rankQ, "IV")
	h.tg.WaitIdle(t)
	if ans := u.CallbackAnswers(); !strings.Contains(ans[len(ans)-1].Text, "tidak berlaku") {
		t.Errorf("a late rank button answered %+v", ans[len(ans)-1])
	}
	u.Send("0812 3456 7891")
	u.Next(t)
	summary := expect(t, u, "Periksa kembali", "III/b – Penata Muda Tingkat I")
	u.Press(t, summary, "✅ Benar, simpan")
	expect(t, u, "tersimpan")
	expect(t, u, "Menu Utama")
	if p, _ := h.participant(u.ID); p.Rank != "III/b" {
		t.Fatalf("stored rank %q", p.Rank)
	}

	// Editing: a PNS typing a PPPK rank is refused, and nothing changes; "IV-a" is taken.
	u.Send("/profil")
	card := expect(t, u, "Profil Anda")
	u.Press(t, card, "✏️ Ubah data")
	u.Press(t, u.Next(t), "Golongan")
	expect(t, u, "Mengubah")
	expect(t, u, "golongan", "III/b")
	u.Send("IX")
	expect(t, u, "belum kami kenali sebagai golongan PNS")
	expect(t, u, "golongan")
	if p, _ := h.participant(u.ID); p.Rank != "III/b" {
		t.Fatalf("a refused rank changed the profile: %q", p.Rank)
	}
	u.Send("IV-a")
	expect(t, u, "IV/a – Pembina")
	expect(t, u, "sudah diperbarui")
	if p, _ := h.participant(u.ID); p.Rank != "IV/a" {
		t.Errorf("stored rank %q", p.Rank)
	}

	// A PPPK types the numeral, in either writing; a PNS rank is refused with the reason.
	v := h.tg.User(newUserID(), "Putri")
	toStep(t, v, "Putri Ayu", validNIPPPPK, "Pemprov Jateng", "BKD", "Guru Ahli Pertama")
	if q := v.Last(); !hasButton(q, "IX") || len(q.Buttons[0]) != 4 {
		t.Fatalf("the PPPK rank question: %v", q.ButtonTexts())
	}
	v.Send("III/b")
	expect(t, v, "Golongan PPPK tidak memakai huruf")
	v.Next(t)
	v.Send("golongan 9")
	expect(t, v, "Golongan: IX")
}
