package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/bpsdm/asnbot/bot"
	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows/asn"
)

// TestFaultBadInputAtVolume: 1,000 hostile inputs from 200 people (the fault build runs
// 10,000: fault_input_long_test.go). Nothing is stored that should not be, nothing panics,
// and every update is answered.
func TestFaultBadInputAtVolume(t *testing.T) {
	t.Parallel()
	badInputAtVolume(t, "bad input, 1,000 updates", 1000)
}

// callbackNames reads the bot's own source for every callback namespace and action it uses
// (the ns… constants, cb(ns…, "action") and the routing table's button lines), so that the
// forged presses cover each, including those added after this test was written.
func callbackNames(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("../../flows/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("flows sources not found: %v", err)
	}
	constRE := regexp.MustCompile(`\b(ns[A-Z]\w*)\s*=\s*"([^"]*)"`)
	cbRE := regexp.MustCompile(`cb\((ns[A-Z]\w*),\s*"([^"]*)"`)
	routeRE := regexp.MustCompile(`button\("([^"]+)"`)
	routeNSRE := regexp.MustCompile(`button\((ns[A-Z]\w*),`)
	ns := map[string]string{}
	var src []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src = append(src, string(b))
		for _, m := range constRE.FindAllStringSubmatch(string(b), -1) {
			ns[m[1]] = m[2]
		}
	}
	set := map[string]bool{}
	for _, s := range src {
		for _, m := range cbRE.FindAllStringSubmatch(s, -1) {
			set[ns[m[1]]+":"+m[2]] = true
		}
		for _, m := range routeRE.FindAllStringSubmatch(s, -1) {
			set[m[1]] = true
		}
		for _, m := range routeNSRE.FindAllStringSubmatch(s, -1) {
			set[ns[m[1]]] = true
		}
	}
	for _, v := range ns {
		set[v] = true
		set[v+":"] = true
		set[v+":zz"] = true // an action no version had
	}
	for _, extra := range []string{"", ":", "::", "zz:top", "rank:IX", "rank:IV/e", "rank:XVII", "rank:"} {
		set[extra] = true
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	if len(ns) < 12 {
		t.Fatalf("only %d callback namespaces found in flows/: %v", len(ns), ns)
	}
	return out
}

// inputFixture is what the hostile inputs aim at: other people's records.
type inputFixture struct {
	names     []string // callback namespace:action
	victims   []int64  // telegram ids of participants who send nothing
	enrolIDs  []string // the victims' enrolments
	batchIDs  []string // an open batch, a withdrawn course's, the victims'
	people    []int64  // telegram ids, for other people's contacts
	csv, yaml []byte   // a catalogue and a survey template, sent by people who are not admins
}

var controlChars = []string{"\x00", "\x01", "\x07", "\x08", "\t", "\n", "\r", "\x1b[31m", "\x7f", "\u0085", "\u00a0",
	"\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u2069", "\u2028", "\u2029", "\ufeff", "\ufffd", "\U000e0001"}

var textPieces = []string{
	"Budi Santoso", "pelatihan", "kepemimpinan", "Manajemen", "saya mau daftar", "ya", "tidak", "batal",
	"مرحبا بالعالم", "שלום עולם", "سلام", "\u202eadmin\u202c", "عربى 123",
	"😀", "👨‍👩‍👧‍👦", "🇮🇩", "🏳️‍🌈", "👍🏽", "🤦‍♀️", "𝕳𝖊𝖑𝖑𝖔", "Z̴̡̛a̷l̶g̸o̵", "ﷺ", "ꦲꦤꦕꦫꦏ",
	"<b>", "</b>", "<i>miring</i>", "<b>tebal", "&", "&amp;", "&lt;", "&#x1F600;", "&nbsp", "<", ">", "a<b", "R&D",
	"<script>alert(1)</script>", `<a href="tg://user?id=1">x</a>`, "<tg-spoiler>", "<pre><code>", "<br>", "<!--", "]]>",
	"%s %d %v %!", "{{.Name}}", "{{", "}}", "${HOME}", "$(reboot)", "\\", "'", `"`, "`", "*tebal* _miring_ [x](y)",
	"'; DROP TABLE participants; --", "%_%", "1 OR 1=1", "NULL", "null", "undefined", "NaN",
	"19860926 201505 1 001", "0812-3456-7890", "+6281234567890", "9999999999999999999999", "-1", "0", "III/a", "IX",
	"c_FBI-1", "k:y:1", "https://t.me/asn_test_bot?start=c_RHS-01", "http://evil.example/x?a=<b>&c=d",
}

// randomText is a few pieces, control characters and words run together.
func randomText(rng *rand.Rand) string {
	var b strings.Builder
	for range 1 + rng.IntN(6) {
		switch rng.IntN(4) {
		case 0:
			b.WriteString(controlChars[rng.IntN(len(controlChars))])
		default:
			b.WriteString(textPieces[rng.IntN(len(textPieces))])
		}
		if rng.IntN(2) == 0 {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// hugeText is a text just under Telegram's limit of 4096 UTF-16 units, up to at the limit.
func hugeText(rng *rand.Rand) string {
	limit := 4096 - rng.IntN(100)
	var b strings.Builder
	units := 0
	for {
		p := textPieces[rng.IntN(len(textPieces))]
		if rng.IntN(5) == 0 {
			p = controlChars[rng.IntN(len(controlChars))]
		}
		n := len(utf16.Encode([]rune(p)))
		if units+n > limit {
			break
		}
		b.WriteString(p)
		units += n
	}
	return b.String()
}

var userCommands = append(append([]string{}, bot.Commands...), "foo", "START", "Katalog", "start@"+telegramtest.BotUsername, "katalog@other_bot", "", "/", "🙂")

// command is a command, the admins' ones often, with arguments from nothing to a page of text.
func (f *inputFixture) command(rng *rand.Rand) string {
	var name string
	if rng.IntN(2) == 0 {
		name = bot.AdminCommands[rng.IntN(len(bot.AdminCommands))]
	} else {
		name = userCommands[rng.IntN(len(userCommands))]
	}
	args := []string{"", "", "FBI-1", "RHS-01", "FBI-1 Angkatan I", "VIC-1 Angkatan I", "ikm 2027-01 2027-03", "ikm 2099-13 0000-00",
		"c_FBI-1", "c_RHS-01", "c_" + strings.Repeat("X", 60), "Halo semua <b>peserta</b> & keluarga", "tambah 12345 admin"}
	a := args[rng.IntN(len(args))]
	switch rng.IntN(6) {
	case 0:
		a = randomText(rng)
	case 1:
		a = hugeText(rng)[:2000]
	}
	s := "/" + name
	if a != "" {
		s += " " + a
	}
	return s
}

// callback is forged button data: every namespace and action the bot knows or does not,
// with other people's records, impossible numbers and junk, within Telegram's 64 bytes.
func (f *inputFixture) callback(rng *rand.Rand) string {
	name := f.names[rng.IntN(len(f.names))]
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	var args []string
	for range rng.IntN(4) {
		switch rng.IntN(4) {
		case 0:
			args = append(args, pick(f.enrolIDs))
		case 1:
			args = append(args, pick(f.batchIDs))
		case 2:
			args = append(args, pick([]string{"0", "1", "2", "-1", "9223372036854775807", "99999999999999999999", "1e3", "0x10"}))
		default:
			args = append(args, pick([]string{"", "abc", "FBI-1", "RHS-01", "VIC-1", "%", "'", "ü", "😀", "<b>", "&", "Teknis", "daring", "Angkatan I"}))
		}
	}
	d := name
	if len(args) > 0 {
		d += ":" + strings.Join(args, ":")
	}
	for len(d) > 64 { // Telegram's limit, cut at a character boundary
		d = d[:len(d)-1]
	}
	return strings.ToValidUTF8(d, "")
}

// inputKinds are the hostile inputs, with their weights.
var inputKinds = []struct {
	name   string
	weight int
}{
	{"text", 22}, {"huge text", 5}, {"command", 16}, {"callback", 28}, {"sticker", 4}, {"photo", 4},
	{"contact", 5}, {"location", 4}, {"edit", 4}, {"document", 4}, {"forward", 4},
}

// send makes one input of a random kind and returns its kind, a description for the report
// and its update id.
func (f *inputFixture) send(rng *rand.Rand, u *telegramtest.User, sent []int64) (kind, desc string, id int64) {
	kind = pickKind(rng)
	desc, id = f.sendKind(rng, u, kind, sent)
	if len(desc) > 80 {
		desc = desc[:80] + "…"
	}
	return kind, strconv.Quote(strings.ToValidUTF8(desc, "")), id
}

// pickKind draws an input kind by its weight.
func pickKind(rng *rand.Rand) string {
	total := 0
	for _, k := range inputKinds {
		total += k.weight
	}
	n := rng.IntN(total)
	for _, k := range inputKinds {
		if n < k.weight {
			return k.name
		}
		n -= k.weight
	}
	return ""
}

// sendKind makes one input of kind.
func (f *inputFixture) sendKind(rng *rand.Rand, u *telegramtest.User, kind string, sent []int64) (string, int64) {
	text := func(s string) (string, int64) { return s, u.Send(s) }
	switch kind {
	case "text":
		return text(randomText(rng))
	case "huge text":
		return text(hugeText(rng))
	case "command":
		return text(f.command(rng))
	case "callback":
		on := u.Last()
		if on.ID == 0 || rng.IntN(5) == 0 {
			on = telegramtest.Message{ID: 1 + rng.IntN(1000), ChatID: u.ID} // a message gone, or never there
		}
		d := f.callback(rng)
		return "data " + d, u.PressData(on, d)
	case "sticker":
		return "sticker", u.SendSticker()
	case "photo":
		if rng.IntN(2) == 0 {
			return "photo", u.SendPhoto()
		}
		c := randomText(rng)
		return "photo " + c, u.SendPhotoCaption(c)
	case "contact":
		switch rng.IntN(3) {
		case 0:
			return "own contact", u.ShareContact("+6281234567890")
		case 1:
			other := f.people[rng.IntN(len(f.people))]
			return fmt.Sprintf("contact of %d", other), u.ShareContactOf("+62"+fmt.Sprint(8000000000+rng.IntN(999999999)), other)
		default:
			p := randomText(rng)
			return "contact " + p, u.ShareContactOf(p, 0) // a card of someone without Telegram
		}
	case "location":
		return "location", u.SendLocation(rng.Float64()*180-90, rng.Float64()*360-180)
	case "edit":
		return "edit", u.EditText(1+rng.IntN(max(len(sent), 1)), randomText(rng))
	case "document":
		switch rng.IntN(3) {
		case 0:
			return "katalog.csv", u.SendDocument("katalog.csv", f.csv)
		case 1:
			return "evaluasi.yaml", u.SendDocumentCaption("evaluasi.yaml", f.yaml, "/admin")
		default:
			return "exe", u.SendDocument("foto <b>&.exe", []byte("MZ\x90\x00"))
		}
	default: // forward
		from := &telegramtest.User{ID: f.people[rng.IntN(len(f.people))], FirstName: "Kontak <b>"}
		c := randomText(rng)
		return "forward " + c, u.Forward(from, c, rng.IntN(2) == 0)
	}
}

// inboxWatch reads the update inbox every few milliseconds: an update confirmed to Telegram
// and then absent from the inbox has been handled, its answers sent.
type inboxWatch struct {
	mu  sync.Mutex
	gen int
	ids map[int64]bool
	err error
}

func (h *harness) watchInbox(t testing.TB) *inboxWatch {
	w := &inboxWatch{ids: map[int64]bool{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); <-done })
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			var ids []int64
			err := h.db.Gorm().WithContext(ctx).Raw("SELECT update_id FROM update_inbox").Scan(&ids).Error
			w.mu.Lock()
			w.gen++
			w.err = err
			clear(w.ids)
			for _, id := range ids {
				w.ids[id] = true
			}
			w.mu.Unlock()
			time.Sleep(5 * time.Millisecond)
		}
	}()
	return w
}

// handled waits until update id is confirmed and then out of the inbox, up to d.
func (w *inboxWatch) handled(tg *telegramtest.Server, id int64, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for !tg.Confirmed(id) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(3 * time.Millisecond)
	}
	w.mu.Lock()
	since := w.gen + 1 // a read begun after the confirmation
	w.mu.Unlock()
	for {
		w.mu.Lock()
		ok := w.gen > since && w.err == nil && !w.ids[id]
		w.mu.Unlock()
		if ok {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(3 * time.Millisecond)
	}
}

// tableCounts counts the rows of every table a participant's input must never add to.
func (h *harness) tableCounts(t testing.TB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range []string{"staff", "staff_invites", "announcements", "announcement_recipients", "courses", "batches",
		"survey_templates", "surveys", "survey_progress", "survey_completions", "survey_responses", "file_reads", "nip_claims", "audit_log"} {
		var n int64
		if err := h.db.Gorm().Raw("SELECT count(*) FROM " + table).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	var digest string
	h.db.Gorm().Raw(`SELECT md5(coalesce(string_agg(b::text, '|' ORDER BY b.id), '')) FROM batches b`).Scan(&digest)
	out["batches "+digest] = 1
	h.db.Gorm().Raw(`SELECT md5(coalesce(string_agg(c::text, '|' ORDER BY c.id), '')) FROM courses c`).Scan(&digest)
	out["courses "+digest] = 1
	return out
}

// victimRows are the victims' enrolments as stored.
func (h *harness) victimRows(t testing.TB, victims []int64) string {
	t.Helper()
	var s string
	err := h.db.Gorm().Raw(`SELECT coalesce(string_agg(e::text, '|' ORDER BY e.id), '') FROM enrolments e
		JOIN participants p ON p.id = e.participant_id WHERE p.telegram_id IN ?`, victims).Scan(&s).Error
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// badInputAtVolume sends total hostile inputs from 200 people (each waiting for the answer to
// one before sending the next, as people do) to the bot running as a process of its own.
func badInputAtVolume(t *testing.T, name string, total int) {
	fc := newFaultCase(t, name)
	const people, registered, victims = 200, 80, 10
	admin := int64(939999)
	h := newHarness(t, map[string]string{"ADMIN_IDS": itoa(admin)})
	h.stop() // the bot is the child process below
	hidden := course("RHS-01", "Pelatihan Rahasia", batch("Angkatan I", 30, 2, 30))
	hidden.Published = false
	past := batch("Angkatan I", -12, 2, 10)
	past.RegOpens, past.RegCloses = day(-30, 0), day(-13, 0)
	h.seed(course("FBI-1", "Pelayanan Publik", batch("Angkatan I", 40, 2, 1000)), hidden,
		course("VIC-1", "Kearsipan", batch("Angkatan I", 50, 2, victims/2)), course("VIC-2", "Statistik", past))
	f := &inputFixture{names: callbackNames(t)}
	ids := map[string]int64{}
	for _, code := range []string{"FBI-1", "RHS-01", "VIC-1", "VIC-2"} {
		var id int64
		h.db.Gorm().Raw(`SELECT b.id FROM batches b JOIN courses c ON c.id = b.course_id WHERE c.code = ?`, code).Scan(&id)
		if id == 0 {
			t.Fatalf("no batch of %s", code)
		}
		ids[code] = id
		f.batchIDs = append(f.batchIDs, itoa(id))
	}
	// The victims: half hold VIC-1's seats and half wait for them; all have VIC-2 behind them,
	// its survey open.
	vic2 := ids["VIC-2"]
	for i := range victims {
		u := h.tg.User(int64(938000+i), fmt.Sprintf("V%02d", i))
		h.seedParticipant(u, 700+i)
		f.victims = append(f.victims, u.ID)
		p, _ := h.participant(u.ID)
		e, err := h.db.Enrol(context.Background(), p.ID, ids["VIC-1"], time.Now())
		if err != nil {
			t.Fatal(err)
		}
		var e2 int64
		if err := h.db.Gorm().Raw(`INSERT INTO enrolments (participant_id, batch_id, status) VALUES (?, ?, 'terdaftar') RETURNING id`,
			p.ID, vic2).Scan(&e2).Error; err != nil {
			t.Fatal(err)
		}
		f.enrolIDs = append(f.enrolIDs, itoa(e.ID), itoa(e2))
	}
	if _, err := h.db.OpenSurvey(context.Background(), vic2, time.Now()); err != nil {
		t.Fatalf("opening VIC-2's survey: %v", err)
	}
	users := make([]*telegramtest.User, people)
	seeded := map[int64]bool{}
	for _, v := range f.victims {
		seeded[v] = true
	}
	for i := range users {
		users[i] = h.tg.User(int64(940000+i), fmt.Sprintf("U%03d", i))
		if i%3 == 0 {
			users[i].Username = fmt.Sprintf("u%03d_<b>", i)
		}
		if i < registered {
			h.seedParticipant(users[i], 800+i)
			seeded[users[i].ID] = true
		}
		f.people = append(f.people, users[i].ID)
	}
	f.people = append(f.people, admin, f.victims[0])
	var err error
	if f.csv, err = os.ReadFile("../../examples/katalog.csv"); err != nil {
		t.Fatal(err)
	}
	if f.yaml, err = os.ReadFile("../../locales/templates/evaluasi-penyelenggaraan.yaml"); err != nil {
		t.Fatal(err)
	}
	before := h.tableCounts(t)
	victimsBefore := h.victimRows(t, f.victims)

	env := map[string]string{}
	for k, v := range h.env {
		env[k] = v
	}
	env["FLOOD_LIMIT"] = "1000000" // flooding is another case: here every input is to be answered
	proc := startChild(t, env)
	w := h.watchInbox(t)

	type outcome struct {
		sent, answered int
		examples       []string
	}
	var mu sync.Mutex
	byKind := map[string]*outcome{}
	record := func(kind string, answered bool, example string) {
		mu.Lock()
		defer mu.Unlock()
		o := byKind[kind]
		if o == nil {
			o = &outcome{}
			byKind[kind] = o
		}
		o.sent++
		if answered {
			o.answered++
		} else if len(o.examples) < 3 {
			o.examples = append(o.examples, example)
		}
	}
	// The same inputs every run; ASNBOT_FAULT_SEED draws others (the line names the seed).
	seed := uint64(benchEnv("ASNBOT_FAULT_SEED", 20261203))
	start := time.Now()
	var wg sync.WaitGroup
	var stuck sync.Once
	for i, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), seed))
			var sent []int64
			for k := range total / people {
				if i >= registered && k == 0 {
					// Newcomers begin here, and are then in the middle of registering.
					if !w.handled(h.tg, u.Send("/start"), 60*time.Second) {
						stuck.Do(func() { t.Errorf("%s's /start was not handled in 60s\n%s", u.FirstName, proc.out) })
						return
					}
					u.Unread()
				}
				answersBefore := len(u.CallbackAnswers())
				kind, desc, id := f.send(rng, u, sent)
				sent = append(sent, id)
				if !w.handled(h.tg, id, 60*time.Second) {
					stuck.Do(func() {
						t.Errorf("%s's update %d (%s %s) was not handled in 60s\n%s", u.FirstName, id, kind, desc, proc.out)
					})
					record(kind, false, "stuck: "+desc)
					return
				}
				events := u.Unread()
				answered := len(events) > 0
				if kind == "callback" {
					answered = len(u.CallbackAnswers()) > answersBefore
				}
				if kind == "edit" {
					// Not asked for (allowed_updates): Telegram never delivers it, and nothing answers.
					if answered {
						t.Errorf("%s's edited message was answered: %+v", u.FirstName, events)
					}
					record(kind, true, "")
					continue
				}
				record(kind, answered, fmt.Sprintf("%s update %d %s", u.FirstName, id, desc))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	sent, unanswered := 0, 0
	var kinds []string
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		o := byKind[k]
		sent += o.sent
		if o.answered < o.sent {
			unanswered += o.sent - o.answered
			fc.Lost("%d of %d %s inputs unanswered (e.g. %s)", o.sent-o.answered, o.sent, k, strings.Join(o.examples, ", "))
		}
	}

	// Nothing stored that should not be.
	after := h.tableCounts(t)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s: %d rows before, %d after: a participant's input stored what only staff may", k, v, after[k])
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			t.Errorf("%s changed: a participant's input changed the catalogue", k)
		}
	}
	if got := h.victimRows(t, f.victims); got != victimsBefore {
		t.Errorf("the victims' enrolments changed:\n  before %s\n  after  %s", victimsBefore, got)
	}
	var all []struct {
		TelegramID int64
		NIP        string
		Consent    *time.Time `gorm:"column:consent_at"`
	}
	h.db.Gorm().Raw("SELECT telegram_id, nip, consent_at FROM participants").Scan(&all)
	newcomers := 0
	for _, p := range all {
		if p.Consent == nil || p.Consent.IsZero() {
			t.Errorf("participant %d stored without consent", p.TelegramID)
		}
		if !seeded[p.TelegramID] {
			// Possible in principle (random inputs that happen to register), never without a valid NIP.
			newcomers++
			if _, prob := asn.ParseNIP(p.NIP, time.Now()); prob != nil {
				t.Errorf("participant %d stored with an invalid NIP %q", p.TelegramID, p.NIP)
			}
		}
	}
	var withdrawn int64
	h.db.Gorm().Raw(`SELECT count(*) FROM enrolments e JOIN batches b ON b.id = e.batch_id JOIN courses c ON c.id = b.course_id
		WHERE c.code = 'RHS-01'`).Scan(&withdrawn)
	if withdrawn != 0 {
		t.Errorf("%d enrolments in a withdrawn course", withdrawn)
	}

	// No panic, and no answer Telegram refused.
	out := proc.out.String()
	if strings.Contains(strings.ToLower(out), "panic") {
		t.Errorf("the bot logged a panic:\n%s", out)
	}
	for _, bad := range []string{"reply failed", "deliver failed", "handler fault"} {
		if c := strings.Count(out, bad); c > 0 {
			t.Errorf("%d × %q in the bot's log:\n%s", c, bad, out)
		}
	}
	_ = proc.cmd.Process.Signal(syscall.SIGTERM)
	if err := proc.cmd.Wait(); err != nil {
		t.Errorf("the bot did not stop cleanly: %v", err)
	}
	fc.Saw("%d inputs from %d people", sent, people)
	fc.Saw("%d callback names forged", len(f.names))
	fc.Saw("seed %d", seed)
	fc.Saw("%d unanswered", unanswered)
	if newcomers > 0 {
		fc.Saw("%d registered along the way", newcomers)
	}
	fc.Saw("%.0fs", elapsed.Seconds())
	t.Logf("%d inputs in %v (%.0f a second)", sent, elapsed.Round(time.Millisecond), float64(sent)/elapsed.Seconds())
}
