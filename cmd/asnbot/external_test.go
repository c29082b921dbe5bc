package main

import (
	"context"
	"strings"
	"testing"

	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/asn"
)

// "Catat pelatihan lain": a PNS and a PPPK record trainings done elsewhere from /jp, one
// question a message, with a photo or PDF of the certificate; an admin approves one and
// refuses another with a reason (audited); each participant is told. Approved, the JP count in
// /jp (against the PNS's duty and the PPPK's cap) and in /rekapjp; refused or waiting, they do
// not, and /jp says why.
func TestExternalTrainingsVerifiedAndRefused(t *testing.T) {
	t.Parallel()
	root := newUserID()
	h := newHarness(t, map[string]string{"ADMIN_IDS": itoa(root), "FLOOD_LIMIT": "1000"})
	ctx := context.Background()
	rudi := h.tg.User(newUserID(), "Rudi")
	h.seedParticipant(rudi, 120)
	sari := h.tg.User(newUserID(), "Sari")
	p := flows.Participant{TelegramID: sari.ID, ChatID: sari.ID, Name: "Sari Peserta", Kind: asn.PPPK, NIP: "199001012022212003",
		Agency: "Pemprov Jateng", Unit: "BPSDM", Position: "Guru", Rank: "IX", Phone: "+6281234567891", ConsentAt: testNow}
	if err := h.db.SaveParticipant(ctx, &p); err != nil {
		t.Fatal(err)
	}

	// Rudi's first record, with what people get wrong on the way.
	rudi.Send("/jp")
	page := expect(t, rudi, "JP Anda tahun 2026", "0 dari 20 JP")
	rudi.Press(t, page, "➕ Catat pelatihan lain")
	expect(t, rudi, "Catat pelatihan lain", "(1/5)", "nama pelatihannya")
	rudi.Send("ab")
	expect(t, rudi, "3 sampai 150 karakter")
	rudi.Send("Pelatihan Kepemimpinan Pengawas")
	expect(t, rudi, "(2/5)", "penyelenggaranya")
	rudi.Send("LAN RI")
	expect(t, rudi, "(3/5)", "Kapan pelatihannya")
	rudi.Send("32/13/2026")
	expect(t, rudi, "belum dapat kami baca")
	rudi.Send("1 Desember 2026")
	expect(t, rudi, "harus sudah selesai")
	rudi.Send("12-14 Agustus 2026")
	expect(t, rudi, "(4/5)", "Berapa JP")
	rudi.Send("dua puluh")
	expect(t, rudi, "angka 1 sampai 200")
	rudi.Send("24 JP")
	expect(t, rudi, "(5/5)", "foto atau berkas PDF")
	rudi.Send("sudah saya kirim")
	expect(t, rudi, "bukan teks")
	rudi.SendDocument("sertifikat.docx", []byte("word"))
	expect(t, rudi, "bukan PDF atau gambar")
	rudi.SendPhoto()
	summary := expect(t, rudi, "Periksa kembali", "Pelatihan: Pelatihan Kepemimpinan Pengawas", "Penyelenggara: LAN RI",
		"Tanggal: 12 Agustus 2026 s.d. 14 Agustus 2026", "JP: 24")
	rudi.Press(t, summary, "✅ Kirim")
	expect(t, rudi, "menunggu verifikasi admin")
	rudi.PressData(summary, "pl:ok") // a second tap, arriving late, records nothing more
	h.tg.WaitIdle(t)

	record := func(u *telegramtest.User, title, organiser, dates, jp string, proof func()) {
		t.Helper()
		u.Send("/catatpelatihan")
		expect(t, u, "(1/5)")
		for _, answer := range []string{title, organiser, dates, jp} {
			u.Send(answer)
			u.Next(t)
		}
		proof()
		u.Press(t, expect(t, u, "Periksa kembali"), "✅ Kirim")
		expect(t, u, "menunggu verifikasi admin")
	}
	record(rudi, "Webinar Literasi Digital", "Kominfo", "01/09/2026", "4", func() { rudi.SendDocument("sertifikat.pdf", []byte("%PDF-1.4")) })
	record(sari, "Pelatihan Guru Penggerak", "Kemendikbudristek", "3 s.d. 5 Oktober 2026", "16", func() { sari.SendPhoto() })
	var stored int64
	h.db.Gorm().Raw("SELECT count(*) FROM external_trainings WHERE status = 'menunggu'").Scan(&stored)
	if stored != 3 {
		t.Fatalf("%d records waiting, want 3", stored)
	}
	rudi.Send("/jp")
	expect(t, rudi, "0 dari 20 JP", "Pelatihan Kepemimpinan Pengawas (LAN RI)", "12 Agu 2026 – 14 Agu 2026 · 24 JP · ⏳ menunggu verifikasi admin")

	// The admin goes through the queue: the proof, then the card.
	admin := h.tg.User(root, "Admin")
	admin.Send("/verifikasijp")
	proof := admin.Next(t)
	if proof.Photo == nil || !strings.Contains(proof.Caption, "Bukti dari Rudi Peserta") {
		t.Fatalf("no proof photo: %+v", proof)
	}
	card := expect(t, admin, "Verifikasi pelatihan lain", "(3 menunggu)", "Rudi Peserta · PNS", "Pelatihan Kepemimpinan Pengawas", "JP: 24")
	admin.Press(t, card, "✅ Setujui")
	expect(t, admin, "Disetujui: Pelatihan Kepemimpinan Pengawas (24 JP)")
	nextWith(t, rudi, "Pelatihan lain Anda diakui")
	admin.PressData(card, "pv:ok:"+strings.TrimPrefix(card.Buttons[0][0].CallbackData, "pv:ok:")) // a double tap
	h.tg.WaitIdle(t)
	if got := admin.CallbackAnswers(); !strings.Contains(got[len(got)-1].Text, "sudah diputuskan") {
		t.Errorf("second approval answered %+v", got[len(got)-1])
	}
	admin.Press(t, admin.Last(), "➡️ Berikutnya")
	if proof := admin.Next(t); proof.Document == nil || proof.Document.Name != "sertifikat.pdf" {
		t.Fatalf("no proof document: %+v", proof)
	}
	card = expect(t, admin, "(2 menunggu)", "Webinar Literasi Digital")
	admin.Press(t, card, "❌ Tolak")
	expect(t, admin, "alasan penolakannya")
	admin.Send("ok")
	expect(t, admin, "5 sampai 200 karakter")
	admin.Send("Sertifikat tidak mencantumkan JP")
	done := expect(t, admin, "Ditolak: Webinar Literasi Digital")
	nextWith(t, rudi, "belum dapat diakui")
	admin.Press(t, done, "➡️ Berikutnya")
	admin.Next(t) // Sari's photo
	card = expect(t, admin, "(1 menunggu)", "Sari Peserta · PPPK", "Pelatihan Guru Penggerak")
	admin.Press(t, card, "✅ Setujui")
	expect(t, admin, "Disetujui")
	nextWith(t, sari, "diakui")
	admin.Press(t, admin.Last(), "➡️ Berikutnya")
	expect(t, admin, "Tidak ada pelatihan lain yang menunggu")

	// The ledgers: approved JP count, refused and waiting do not.
	rudi.Send("/jp")
	ledger := expect(t, rudi, "▓▓▓▓▓▓▓▓▓▓ 24 dari 20 JP", "Kewajiban 20 JP setahun sudah terpenuhi", "Pelatihan lain 24 JP",
		"· 24 JP · ✅ diakui", "Webinar Literasi Digital (Kominfo)", "❌ ditolak: Sertifikat tidak mencantumkan JP")
	expectText(t, ledger, "1 Sep 2026 · 4 JP") // one day, written once
	sari.Send("/jp")
	expect(t, sari, "▓▓▓▓▓▓░░░░ 16 dari 24 JP", "Batas pengembangan kompetensi PPPK 24 JP", "masih tersisa 8 JP", "✅ diakui")
	var audited int64
	h.db.Gorm().Raw("SELECT count(*) FROM audit_log WHERE action IN ('setujui_pelatihan_lain', 'tolak_pelatihan_lain') AND actor = ?", root).Scan(&audited)
	if audited != 3 {
		t.Errorf("%d decisions audited, want 3", audited)
	}
	admin.Send("/rekapjp 2026")
	expect(t, admin, "Rekap JP 2026")
	rows := xlsxRows(t, nextDocument(t, admin).Document.Content)
	jp := map[string]string{}
	for _, r := range rows[1:] {
		jp[r[1]] = r[6] + "/" + r[7]
	}
	if jp["Rudi Peserta"] != "24/ya" || jp["Sari Peserta"] != "16/tidak" {
		t.Errorf("recap %v", jp)
	}
}
