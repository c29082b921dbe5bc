package main

import (
	"strings"
	"testing"

	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows/asn"
)

const (
	validNIP     = "19860926 201505 1 001"
	validNIPPPPK = "19900101 202221 2 003"
)

// rankLabel is the rank's button: a PNS golongan with its pangkat, a PPPK's numeral alone.
func rankLabel(t testing.TB, code string) string {
	t.Helper()
	r, ok := asn.RankByCode(code)
	if !ok {
		t.Fatalf("no rank %s", code)
	}
	if r.Kind == asn.PPPK {
		return r.Code
	}
	return r.Label()
}

// tapRank answers the rank question msg with its buttons: a PNS taps the group, then the
// grade in the list that replaces the groups; a PPPK taps the numeral.
func tapRank(t testing.TB, u *telegramtest.User, msg telegramtest.Message, code string) {
	t.Helper()
	r, ok := asn.RankByCode(code)
	if !ok {
		t.Fatalf("no rank %s", code)
	}
	if r.Kind == asn.PPPK {
		u.Press(t, msg, r.Code)
		return
	}
	group, _, _ := strings.Cut(code, "/")
	u.Press(t, msg, group)
	grades := u.Next(t)
	if !grades.Edited || grades.ID != msg.ID || len(grades.Buttons) != len(asn.InGroup(group))+1 {
		t.Fatalf("the group %s did not turn into its grades in place: %+v", group, grades)
	}
	u.Press(t, grades, r.ShortLabel())
}

// register takes u from /start to a saved profile and returns the main menu message.
func register(t *testing.T, u *telegramtest.User, nip string) telegramtest.Message {
	t.Helper()
	u.Send("/start")
	expect(t, u, "Selamat datang")
	consent := expect(t, u, "UU No. 27 Tahun 2022")
	u.Press(t, consent, "✅ Setuju")
	expect(t, u, "persetujuan Anda sudah kami catat")
	expect(t, u, "1/7 · ", "nama lengkap")
	u.Send("Dra. Siti Aminah, M.Si.")
	expect(t, u, "2/7 · ", "NIP")
	u.Send(nip)
	expect(t, u, "instansi")
	u.Send("Pemerintah Provinsi Jawa Tengah")
	expect(t, u, "unit kerja")
	u.Send("Dinas Pendidikan dan Kebudayaan")
	expect(t, u, "jabatan")
	u.Send("Analis Kebijakan Ahli Muda")
	rank := expect(t, u, "golongan")
	code := "III/c"
	if strings.Contains(nip, " 20222") {
		code = "IX"
	}
	tapRank(t, u, rank, code)
	if m := expect(t, u, "Golongan", rankLabel(t, code)); strings.Contains(m.Text, "Golongan Golongan") || strings.Contains(m.Text, "Golongan: Golongan") {
		t.Errorf("the rank is named twice: %q", m.Text)
	}
	phone := expect(t, u, "nomor ponsel")
	if len(phone.Keyboard) == 0 || !phone.Keyboard[0][0].RequestContact {
		t.Fatalf("the phone question has no share-contact button: %+v", phone.Keyboard)
	}
	u.ShareContact("6281234567890")
	ack := expect(t, u, "Nomor ponsel: 0812-3456-7890")
	if !ack.RemoveKeyboard {
		t.Error("the contact keyboard was not removed after the number was given")
	}
	summary := expect(t, u, "Periksa kembali", "Dra. Siti Aminah, M.Si.", nip, "Analis Kebijakan Ahli Muda")
	u.Press(t, summary, "✅ Benar, simpan")
	expect(t, u, "Profil Anda tersimpan")
	return expect(t, u, "Menu Utama")
}

func TestOnboardingFromStartToSavedProfile(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	u := h.tg.User(newUserID(), "Siti")
	menu := register(t, u, validNIP)

	for _, want := range []string{"📚 Katalog Pelatihan", "🗂 Pelatihan Saya", "❓ Bantuan"} {
		if !contains(menu.ButtonTexts(), want) {
			t.Errorf("main menu lacks %q: %v", want, menu.ButtonTexts())
		}
	}
	if strings.Contains(strings.Join(menu.ButtonTexts(), "|"), "survei") { // nothing to answer yet
		t.Errorf("main menu offers a survey to a new user: %v", menu.ButtonTexts())
	}
	p, ok := h.participant(u.ID)
	if !ok {
		t.Fatal("no participant stored")
	}
	if p.NIP != "198609262015051001" || p.Kind != asn.PNS || p.Rank != "III/c" || p.Phone != "+6281234567890" ||
		p.Name != "Dra. Siti Aminah, M.Si." || p.Agency != "Pemerintah Provinsi Jawa Tengah" ||
		p.Unit != "Dinas Pendidikan dan Kebudayaan" || p.Position != "Analis Kebijakan Ahli Muda" || p.ConsentAt.IsZero() {
		t.Errorf("stored %+v", p)
	}
	// Every pressed button was answered, so no spinner was left turning.
	if got := len(u.CallbackAnswers()); got != 4 { // consent, group, grade, save
		t.Errorf("%d callback answers, want 4", got)
	}
	// /start again greets a registered user by name with the menu, not the consent notice.
	u.Send("/start")
	expect(t, u, "Selamat datang kembali", "Siti Aminah")
	expect(t, u, "Menu Utama")
	if cmds := h.tg.Commands("default"); len(cmds) == 0 || cmds[0].Command != "start" {
		t.Errorf("command menu not set: %+v", cmds)
	}
}

func TestOnboardingPPPKGetsPPPKRanks(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	u := h.tg.User(newUserID(), "Budi")
	register(t, u, validNIPPPPK)
	p, ok := h.participant(u.ID)
	if !ok || p.Kind != asn.PPPK || p.Rank != "IX" {
		t.Fatalf("stored %+v", p)
	}
}

// toStep takes a new user through consent and the answers given.
func toStep(t *testing.T, u *telegramtest.User, answers ...string) {
	t.Helper()
	u.Send("/start")
	expect(t, u, "Selamat datang")
	u.Press(t, expect(t, u, "Apakah Anda setuju"), "✅ Setuju")
	expect(t, u, "persetujuan")
	expect(t, u, "nama lengkap")
	for _, a := range answers {
		u.Send(a)
		u.Next(t)
	}
}

func TestOnboardingBadInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	tests := []struct {
		name    string
		answers []string // accepted answers that lead to the step under test
		bad     func(u *telegramtest.User)
		want    string
	}{
		{"name with digits", nil, func(u *telegramtest.User) { u.Send("Budi 123") }, "Karakter “1” tidak dapat dipakai dalam nama"},
		{"name with a hash", nil, func(u *telegramtest.User) { u.Send("Budi #Santoso") }, "Karakter “#”"},
		{"name too short", nil, func(u *telegramtest.User) { u.Send("B") }, "3 sampai 100"},
		{"sticker for a name", nil, func(u *telegramtest.User) { u.SendSticker() }, "mengetik teks"},
		{"nip too short", []string{"Budi Santoso"}, func(u *telegramtest.User) { u.Send("19860926 2015") }, "18 angka"},
		{"nip with letters", []string{"Budi Santoso"}, func(u *telegramtest.User) { u.Send("1986O926 201505 1 001") }, "angka"},
		{"nip bad birth date", []string{"Budi Santoso"}, func(u *telegramtest.User) { u.Send("19861332 201505 1 001") }, "19861332"},
		{"nip bad gender", []string{"Budi Santoso"}, func(u *telegramtest.User) { u.Send("19860926 201505 3 001") }, "3"},
		{"nip sequence 000", []string{"Budi Santoso"}, func(u *telegramtest.User) { u.Send("19860926 201505 1 000") }, "000"},
		{"nip appointment before birth", []string{"Budi Santoso"}, func(u *telegramtest.User) { u.Send("19860926 198505 1 001") }, "lahir"},
		{"agency only digits", []string{"Budi Santoso", validNIP}, func(u *telegramtest.User) { u.Send("12345") }, "huruf"},
		{"command mid-profile", []string{"Budi Santoso"}, func(u *telegramtest.User) { u.Send("/profil") }, "sedang mengisi profil"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u := h.tg.User(int64(9000+i), "Budi")
			toStep(t, u, tt.answers...)
			tt.bad(u)
			expect(t, u, tt.want)
			if _, ok := h.participant(u.ID); ok {
				t.Error("a participant was stored from bad input")
			}
			// Nothing moved: the same step still takes a good answer.
			good := map[int]string{0: "Budi Santoso", 1: validNIP, 2: "Pemprov Jateng"}[len(tt.answers)]
			h.tg.WaitIdle(t)
			u.Send(good)
			next := map[int]string{0: "NIP", 1: "instansi", 2: "unit kerja"}[len(tt.answers)]
			for {
				m := u.Next(t)
				if strings.Contains(m.Text, next) {
					break
				}
			}
		})
	}
}

func TestOnboardingButtonsAndContactMisuse(t *testing.T) {
	t.Parallel()
	h := newHarness(t, map[string]string{"FLOOD_LIMIT": "1000"})
	u := h.tg.User(newUserID(), "Rina")
	toStep(t, u, "Rina Wati", validNIP, "Pemprov Jateng", "Dinas Kesehatan")
	u.Send("Perawat Ahli Pertama")
	rank := expect(t, u, "golongan")

	u.Send("IX") // a PPPK rank, typed by a PNS
	expect(t, u, "“IX” belum kami kenali sebagai golongan PNS", "III/b")
	again := expect(t, u, "golongan")
	if len(again.Buttons) == 0 {
		t.Fatal("the rank buttons were not shown again")
	}
	u.Send("III") // the group without its letter
	expect(t, u, "kurang huruf ruangnya")
	again = expect(t, u, "golongan")
	if p, ok := h.participant(u.ID); ok {
		t.Fatalf("a profile saved from a wrong rank: %+v", p)
	}
	u.PressData(rank, "rank:IX") // a PPPK rank for a PNS: forged or stale
	h.tg.WaitIdle(t)
	if a := u.CallbackAnswers(); len(a) == 0 || a[len(a)-1].Text == "" {
		t.Errorf("a forged rank was not answered with a notice: %+v", a)
	}
	// Tapped: the group, back to the groups, another group, its grade.
	u.Press(t, again, "IV")
	grades := expect(t, u, "golongan IV")
	if !hasButton(grades, "IV/e · Pembina Utama") || !hasButton(grades, "IV/b · Pembina Tk. I") {
		t.Errorf("group IV's grades: %v", grades.ButtonTexts())
	}
	u.Press(t, grades, "⬅️ Kembali")
	groups := expect(t, u, "Pilih golongan Anda")
	if got := strings.Join(groups.ButtonTexts(), " "); got != "I II III IV" {
		t.Errorf("back to the groups: %q", got)
	}
	tapRank(t, u, groups, "III/a")
	expect(t, u, "III/a")
	expect(t, u, "nomor ponsel")

	u.ShareContactOf("+6281111111111", 424242)
	expect(t, u, "kontak orang lain")
	u.Send("+1 555 123 4567")
	expect(t, u, "Indonesia")
	u.Send("0812-3456-7890")
	expect(t, u, "0812-3456-7890")
	summary := expect(t, u, "Periksa kembali")

	// Correct one field from the summary, then save.
	u.Press(t, summary, "✏️ Perbaiki")
	chooser := u.Next(t)
	if !chooser.Edited || !contains(chooser.ButtonTexts(), "Jabatan") {
		t.Fatalf("the correction menu did not replace the summary: %+v", chooser)
	}
	u.Press(t, chooser, "Jabatan")
	expect(t, u, "Mengubah", "Jabatan")
	if q := expect(t, u, "jabatan"); strings.Contains(q.Text, "5/7") {
		t.Errorf("a field fixed from the summary is counted as a step of seven: %q", q.Text)
	}
	u.Send("Perawat Ahli Muda")
	summary = expect(t, u, "Periksa kembali", "Perawat Ahli Muda")
	u.Press(t, summary, "✅ Benar, simpan")
	expect(t, u, "tersimpan")
	expect(t, u, "Menu Utama")

	// A double tap on "Simpan" arrives after the state is gone: a notice, nothing else.
	u.PressData(summary, "ob:save")
	h.tg.WaitIdle(t)
	if a := u.CallbackAnswers(); !strings.Contains(a[len(a)-1].Text, "tidak berlaku") {
		t.Errorf("old button answered %+v", a[len(a)-1])
	}
	p, _ := h.participant(u.ID)
	if p.Position != "Perawat Ahli Muda" || p.Phone != "+6281234567890" || p.Rank != "III/a" {
		t.Errorf("stored %+v", p)
	}
}

func TestNIPOfAnotherAccountIsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	first := h.tg.User(newUserID(), "Siti")
	register(t, first, validNIP)
	second := h.tg.User(newUserID(), "Palsu")
	toStep(t, second, "Orang Lain")
	second.Send(validNIP)
	expect(t, second, "sudah terdaftar pada akun Telegram lain")
	if _, ok := h.participant(second.ID); ok {
		t.Error("the second account was stored")
	}
}

func TestDeclineConsentStoresNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	u := h.tg.User(newUserID(), "Andi")
	u.Send("/start")
	expect(t, u, "Selamat datang")
	consent := expect(t, u, "Apakah Anda setuju")
	u.Press(t, consent, "❌ Tidak setuju")
	m := expect(t, u, "tidak menyimpan data")
	if !m.Edited || len(m.Buttons) != 0 {
		t.Errorf("the consent message kept its buttons: %+v", m)
	}
	u.Send("Andi")
	expect(t, u, "belum terdaftar")
}

func TestRestartInTheMiddleContinues(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	u := h.tg.User(newUserID(), "Dewi")
	toStep(t, u, "Dewi Lestari")
	h.restart()
	u.Send(validNIP)
	expect(t, u, "instansi")
}

func TestCancelAndStaleButtons(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	u := h.tg.User(newUserID(), "Eko")
	u.Send("/start")
	expect(t, u, "Selamat datang")
	consent := expect(t, u, "Apakah Anda setuju")
	u.Send("/batal")
	expect(t, u, "dibatalkan", "/start")
	u.PressData(consent, "ob:agree")
	h.tg.WaitIdle(t)
	a := u.CallbackAnswers()
	if len(a) != 1 || a[0].Text == "" {
		t.Errorf("the old consent button was not answered with a notice: %+v", a)
	}
	u.Send("/batal")
	expect(t, u, "Tidak ada proses")
}

func TestGroupAndUnexpectedMessages(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	u := h.tg.User(newUserID(), "Fajar")
	u.SendInGroup(-100123, "/start")
	h.tg.WaitIdle(t)
	var group []telegramtest.Message
	for _, c := range h.tg.Calls("sendMessage") {
		if c.Params["chat_id"] == "-100123" {
			group = append(group, telegramtest.Message{Text: c.Params["text"]})
		}
	}
	if len(group) != 1 || !strings.Contains(group[0].Text, "percakapan pribadi") {
		t.Errorf("group answer %+v", group)
	}
	u.SendPhoto()
	expect(t, u, "belum terdaftar")
	register(t, u, validNIP)
	u.SendSticker()
	expect(t, u, "belum bisa membaca kiriman")
	u.Send("/entahapa")
	expect(t, u, "tidak kami kenali")
}

func TestProfileEditAndDelete(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	u := h.tg.User(newUserID(), "Gita")
	register(t, u, validNIP)

	u.Send("/profil")
	card := expect(t, u, "Profil Anda", "19860926 201505 1 001")
	u.Press(t, card, "✏️ Ubah data")
	chooser := u.Next(t)
	u.Press(t, chooser, "NIP")
	expect(t, u, "Mengubah")
	if q := expect(t, u, "NIP"); strings.Contains(q.Text, "/7") {
		t.Errorf("a field changed on its own is counted as a step of seven: %q", q.Text)
	}
	u.Send(validNIPPPPK) // now a PPPK: the rank must be chosen again
	rank := expect(t, u, "golongan")
	tapRank(t, u, rank, "VII")
	expect(t, u, "VII")
	expect(t, u, "sudah diperbarui")
	expect(t, u, "Profil Anda", "19900101 202221 2 003")
	p, _ := h.participant(u.ID)
	if p.Kind != asn.PPPK || p.Rank != "VII" || p.NIP != "199001012022212003" {
		t.Errorf("stored %+v", p)
	}

	u.Send("/hapusdata")
	confirm := expect(t, u, "Hapus seluruh data", "semua pendaftaran pelatihan", "riwayatnya")
	u.Press(t, confirm, "🗑 Ya, hapus data saya")
	expect(t, u, "sudah dihapus")
	if _, ok := h.participant(u.ID); ok {
		t.Error("the participant is still stored")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
