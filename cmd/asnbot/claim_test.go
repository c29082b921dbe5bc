package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bpsdm/asnbot/bot/telegramtest"
)

// Security review: a NIP could be squatted, and the bot told anyone whose it was. The first
// registration stands, but the second person to enter a NIP is told only that it is taken,
// and may ask an admin to compare both accounts; filing twice stores one claim. The admin
// gives the NIP to the claimant (the holder loses it, keeps their seats and is asked for their
// own; both are told), and keeps another claim with the holder (the claimant is told); a
// second tap on either decision changes nothing.
func TestNIPClaimResolvedBothWays(t *testing.T) {
	t.Parallel()
	root := newUserID()
	h := newHarness(t, map[string]string{"ADMIN_IDS": itoa(root), "FLOOD_LIMIT": "1000"})
	h.seed(course("MAN-ASN", "Manajemen ASN", batch("Angkatan I", 20, 2, 30)))
	holder := h.tg.User(newUserID(), "Siti")
	register(t, holder, validNIP)
	holder.Send("/start c_MAN-ASN")
	detail := holder.Next(t)
	holder.PressData(detail, fmt.Sprintf("k:y:%d", h.batchID("MAN-ASN", "Angkatan I")))
	expect(t, holder, "Pendaftaran berhasil")
	holder.Next(t) // the calendar file
	const nip = "198609262015051001"

	// The second person is not told whose it is, and files a claim (twice).
	claimant := h.tg.User(newUserID(), "Budi")
	toStep(t, claimant, "Budi Santoso")
	claimant.Send(validNIP)
	offer := expect(t, claimant, "sudah terdaftar pada akun Telegram lain", "admin akan membandingkan kedua akun")
	for _, secret := range []string{"Siti", "Aminah", itoa(holder.ID), "81234567890", "Jawa Tengah", "Analis"} {
		if strings.Contains(offer.Raw, secret) {
			t.Errorf("the answer to a taken NIP reveals %q: %q", secret, offer.Text)
		}
	}
	claimant.Press(t, offer, "📨 Ajukan klaim NIP")
	filed := expect(t, claimant, "Klaim NIP Anda sudah kami terima", "mengabari Anda", "/batal")
	if len(filed.Buttons) != 0 {
		t.Errorf("the filed claim still shows buttons: %v", filed.ButtonTexts())
	}
	claimant.PressData(offer, "nc:f") // a double tap
	h.tg.WaitIdle(t)
	var claims []struct {
		ID                 int64
		NIP                string `gorm:"column:nip"`
		Name, Status       string
		ClaimantTelegramID int64
	}
	h.db.Gorm().Raw("SELECT id, nip, name, status, claimant_telegram_id FROM nip_claims ORDER BY id").Scan(&claims)
	if len(claims) != 1 || claims[0].NIP != nip || claims[0].Name != "Budi Santoso" || claims[0].Status != "pending" ||
		claims[0].ClaimantTelegramID != claimant.ID {
		t.Fatalf("claims stored: %+v", claims)
	}
	first := claims[0].ID
	claimant.Send("/batal") // not stuck: back out, and told the news will come
	expect(t, claimant, "dibatalkan", "Klaim NIP Anda sedang diperiksa admin")

	// The admin compares both accounts and gives the NIP to the claimant; a second tap is nothing.
	admin := h.tg.User(root, "Rina")
	page := openClaim(t, admin, 1, fmt.Sprintf("#%d · Budi Santoso", first))
	expectText(t, page, "Klaim NIP #"+itoa(first), "19860926 201505 1 001",
		"Pemegang sekarang", "Dra. Siti Aminah, M.Si.", "Pemerintah Provinsi Jawa Tengah", "Analis Kebijakan Ahli Muda",
		"+62812•••••890", "ID "+itoa(holder.ID), "Pengklaim", "Budi Santoso", "belum", "Budi (ID "+itoa(claimant.ID))
	if strings.Contains(page.Text, "+6281234567890") {
		t.Errorf("the claim page shows a whole phone number: %q", page.Text)
	}
	give := buttonData(t, page, "🔁 Beri ke pengklaim")
	admin.Press(t, page, "🔁 Beri ke pengklaim")
	expect(t, admin, "sudah diputuskan", "dipindahkan ke pengklaim")
	admin.PressData(page, give)
	h.tg.WaitIdle(t)
	if a := admin.CallbackAnswers(); !strings.Contains(a[len(a)-1].Text, "sudah diputuskan sebelumnya") {
		t.Errorf("a second tap answered %q", a[len(a)-1].Text)
	}
	waitJobs(t, h, "nip_claim_notice")
	expect(t, claimant, "Klaim NIP Anda disetujui", "19860926 201505 1 001")
	told := expect(t, holder, "NIP pada akun Anda telah dipindahkan", "/start")
	if strings.Contains(told.Text, "Budi") {
		t.Errorf("the holder is told who claimed the NIP: %q", told.Text)
	}
	h.tg.WaitIdle(t)
	if n := countWith(holder, "dipindahkan"); n != 1 {
		t.Errorf("the holder was told %d times", n)
	}

	// What is stored: the NIP moved, the holder's seat kept, the claim closed, one audit row.
	was, _ := h.participant(holder.ID)
	now, ok := h.participant(claimant.ID)
	if was.NIP != "" || !ok || now.NIP != nip || now.Name != "Budi Santoso" || now.Agency != "" {
		t.Errorf("after the decision: holder %+v, claimant %+v (stored %v)", was, now, ok)
	}
	var seats, audits, jobs int64
	h.db.Gorm().Raw("SELECT count(*) FROM enrolments WHERE participant_id = ? AND status = 'terdaftar'", was.ID).Scan(&seats)
	h.db.Gorm().Raw("SELECT count(*) FROM audit_log WHERE action = 'klaim_nip' AND actor = ?", root).Scan(&audits)
	h.db.Gorm().Raw("SELECT count(*) FROM river_job WHERE kind = 'nip_claim_notice'").Scan(&jobs)
	var decided struct {
		Status           string
		DecidedBy        int64
		HolderTelegramID int64
	}
	h.db.Gorm().Raw("SELECT status, decided_by, holder_telegram_id FROM nip_claims WHERE id = ?", first).Scan(&decided)
	if seats != 1 || audits != 1 || jobs != 2 || decided.Status != "granted" || decided.DecidedBy != root ||
		decided.HolderTelegramID != holder.ID {
		t.Errorf("%d seats kept, %d audit rows, %d notices, claim %+v", seats, audits, jobs, decided)
	}

	// The holder must enter their own NIP before anything else; the claimant completes
	// the profile they had not finished.
	holder.Send("/menu")
	expect(t, holder, "NIP Anda yang benar")
	expect(t, holder, "Berapa NIP")
	holder.Send(validNIP) // the NIP is the claimant's now: they could claim it back
	expect(t, holder, "sudah terdaftar pada akun Telegram lain")
	holder.Send(nipFor(7))
	holder.Press(t, expect(t, holder, "Periksa kembali", nipFor(7)[:8]), "✅ Benar, simpan")
	expect(t, holder, "Profil Anda tersimpan")
	expect(t, holder, "Menu Utama")
	if p, _ := h.participant(holder.ID); p.NIP != nipFor(7) {
		t.Errorf("the holder's new NIP: %+v", p)
	}
	claimant.Send("/start")
	expect(t, claimant, "belum lengkap")
	expect(t, claimant, "instansi")
	for _, a := range []string{"Pemprov Jateng", "BKD", "Analis SDM"} {
		claimant.Send(a)
		claimant.Next(t)
	}
	tapRank(t, claimant, claimant.Last(), "III/c")
	expect(t, claimant, "Golongan")
	expect(t, claimant, "nomor ponsel")
	claimant.ShareContact("6285700002222")
	expect(t, claimant, "0857-0000-2222")
	claimant.Press(t, expect(t, claimant, "Periksa kembali", "Budi Santoso", "19860926 201505 1 001"), "✅ Benar, simpan")
	expect(t, claimant, "Profil Anda tersimpan")
	if p, _ := h.participant(claimant.ID); p.NIP != nip || p.Phone != "+6285700002222" || p.Rank != "III/c" {
		t.Errorf("the claimant's profile: %+v", p)
	}

	// Another claim on the same NIP, kept with its holder (now the first claimant).
	other := h.tg.User(newUserID(), "Dewi")
	toStep(t, other, "Dewi Palsu")
	other.Send(validNIP)
	offer = expect(t, other, "sudah terdaftar pada akun Telegram lain")
	other.Press(t, offer, "📨 Ajukan klaim NIP")
	expect(t, other, "sudah kami terima")
	var second int64
	h.db.Gorm().Raw("SELECT id FROM nip_claims WHERE claimant_telegram_id = ?", other.ID).Scan(&second)
	page = openClaim(t, admin, 1, fmt.Sprintf("#%d · Dewi Palsu", second))
	expectText(t, page, "Budi Santoso", "Dewi Palsu")
	give = buttonData(t, page, "🔁 Beri ke pengklaim")
	keep := buttonData(t, page, "🔒 Tetap di pemegang")
	seen := len(claimant.Messages())
	admin.Press(t, page, "🔒 Tetap di pemegang")
	expect(t, admin, "sudah diputuskan", "tetap pada pemegang")
	admin.PressData(page, keep)
	admin.PressData(page, give)
	h.tg.WaitIdle(t)
	waitJobs(t, h, "nip_claim_notice")
	expect(t, other, "tetap terdaftar pada akun yang lebih dulu")
	other.PressData(offer, "nc:f") // filing again after the decision: told so, nothing reopened
	expect(t, other, "sudah memeriksa klaim Anda")
	h.tg.WaitIdle(t)
	if got := len(claimant.Messages()); got != seen {
		t.Errorf("the holder was told of a claim kept with them: %+v", claimant.Messages()[seen:])
	}
	if _, ok := h.participant(other.ID); ok {
		t.Error("a claimant whose claim was refused was registered")
	}
	if p, _ := h.participant(claimant.ID); p.NIP != nip {
		t.Errorf("the NIP moved on a kept claim: %+v", p)
	}
	h.db.Gorm().Raw("SELECT count(*) FROM audit_log WHERE action = 'klaim_nip'").Scan(&audits)
	h.db.Gorm().Raw("SELECT count(*) FROM river_job WHERE kind = 'nip_claim_notice'").Scan(&jobs)
	var status string
	h.db.Gorm().Raw("SELECT status FROM nip_claims WHERE id = ?", second).Scan(&status)
	if audits != 2 || jobs != 3 || status != "kept" {
		t.Errorf("after keeping: %d audit rows, %d notices, status %q", audits, jobs, status)
	}
	admin.Send("/admin")
	if m := expect(t, admin, "Menu Admin"); !hasButton(m, "⚖️ Klaim NIP (0)") {
		t.Errorf("the admin menu after both: %v", m.ButtonTexts())
	}
}

// openClaim opens a claim from /admin, checking the menu counts pending ones.
func openClaim(t *testing.T, admin *telegramtest.User, pending int, label string) telegramtest.Message {
	t.Helper()
	admin.Send("/admin")
	menu := expect(t, admin, "Menu Admin")
	admin.Press(t, menu, fmt.Sprintf("⚖️ Klaim NIP (%d)", pending))
	list := expect(t, admin, "Klaim NIP", fmt.Sprintf("%d klaim menunggu", pending))
	admin.Press(t, list, label)
	return admin.Next(t)
}

// buttonData is the callback data of the button labelled label on m.
func buttonData(t *testing.T, m telegramtest.Message, label string) string {
	t.Helper()
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.Text == label {
				return b.CallbackData
			}
		}
	}
	t.Fatalf("no button %q: %v", label, m.ButtonTexts())
	return ""
}

// A person's claims go with their data: those they filed (even unregistered: /hapusdata
// works for them) and those on their NIP, whose claimant hears the NIP is free.
func TestNIPClaimsGoWithDeletedData(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	holder := h.tg.User(newUserID(), "Siti")
	register(t, holder, validNIP)
	claim := func(u *telegramtest.User, name string) {
		t.Helper()
		toStep(t, u, name)
		u.Send(validNIP)
		u.Press(t, expect(t, u, "sudah terdaftar pada akun Telegram lain"), "📨 Ajukan klaim NIP")
		expect(t, u, "sudah kami terima")
		u.Send("/batal")
		u.Next(t)
	}
	waiting := h.tg.User(newUserID(), "Budi")
	claim(waiting, "Budi Santoso")
	quitter := h.tg.User(newUserID(), "Eko")
	claim(quitter, "Eko Prasetyo")

	quitter.Send("/hapusdata")
	quitter.Press(t, expect(t, quitter, "Hapus seluruh data"), "🗑 Ya, hapus data saya")
	expect(t, quitter, "sudah dihapus")
	holder.Send("/hapusdata")
	holder.Press(t, expect(t, holder, "Hapus seluruh data"), "🗑 Ya, hapus data saya")
	expect(t, holder, "sudah dihapus")
	waitJobs(t, h, "nip_claim_notice")
	expect(t, waiting, "tidak lagi terdaftar pada akun mana pun", "/start")
	h.waitJobsDone(t)

	traces := []string{itoa(holder.ID), "198609262015051001", "81234567890", itoa(quitter.ID), "Eko Prasetyo"}
	var tables []string
	h.db.Gorm().Raw(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'
		AND table_type = 'BASE TABLE' AND table_name NOT IN ('goose_db_version', 'river_migration')`).Scan(&tables)
	for _, table := range tables {
		var rows []string
		if err := h.db.Gorm().Raw(`SELECT to_jsonb(x)::text FROM ` + table + ` x`).Scan(&rows).Error; err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		for _, row := range rows {
			for _, s := range traces {
				if strings.Contains(row, s) {
					t.Errorf("%s still holds %s: %s", table, s, cut(row))
				}
			}
		}
	}

	// The NIP is free: the one who waited registers with it.
	register(t, waiting, validNIP)
	if p, ok := h.participant(waiting.ID); !ok || p.NIP != "198609262015051001" {
		t.Errorf("the claimant could not register the freed NIP: %+v", p)
	}
}
