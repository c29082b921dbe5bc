package flows

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/bpsdm/asnbot/flows/asn"
)

// Trainings done elsewhere ("Catat pelatihan lain", from /jp): a participant records the
// title, the organiser, the dates, the JP and a photo or PDF of the certificate, one question a
// message; an admin approves it or refuses it with a reason (audited), and the participant is
// told. Approved, it counts in /jp, /rekapjp and the nudge, in the year it ended.

// External statuses.
const (
	ExternalWaiting  = "menunggu"
	ExternalApproved = "disetujui"
	ExternalRefused  = "ditolak"
)

// External is a training done elsewhere, as recorded.
type External struct {
	ID            int64
	ParticipantID int64
	Title         string
	Organiser     string
	Start, End    time.Time // days, midnight in the agency's zone
	JP            int
	FileID        string
	Photo         bool // the proof is a photo (else a document)
	FileName      string
	Status        string
	Reason        string
	CreatedAt     time.Time
}

// ExternalDraft is a training being recorded.
type ExternalDraft struct {
	Title     string `json:"title,omitempty"`
	Organiser string `json:"organiser,omitempty"`
	Start     string `json:"start,omitempty"` // 2006-01-02
	End       string `json:"end,omitempty"`
	JP        int    `json:"jp,omitempty"`
	FileID    string `json:"file_id,omitempty"`
	Photo     bool   `json:"photo,omitempty"`
	FileName  string `json:"file_name,omitempty"`
}

// WaitingExternal is an admin's view of one record waiting for a decision.
type WaitingExternal struct {
	External    External
	Participant Participant
	Left        int // waiting, this one included
}

// Externals is what the record of trainings done elsewhere needs of Postgres.
type Externals interface {
	// AddExternal records a training as waiting for an admin; endsAt is the moment it counts at.
	AddExternal(ctx context.Context, x External, endsAt time.Time, now time.Time) (External, error)
	// ExternalsOf lists the participant's records whose training ended in [from, to).
	ExternalsOf(ctx context.Context, participantID int64, from, to time.Time) ([]External, error)
	// NextWaitingExternal returns the oldest record waiting for a decision; ErrNotFound if none.
	NextWaitingExternal(ctx context.Context) (WaitingExternal, error)
	// DecideExternal approves or refuses a waiting record (reason for a refusal), with its audit
	// entry and the job that tells the participant; ErrDecided if it was decided already.
	DecideExternal(ctx context.Context, id int64, approve bool, reason string, by Actor, now time.Time) (External, error)
	// ExternalTarget loads a record and its participant, to tell them of the decision.
	ExternalTarget(ctx context.Context, id int64) (External, Participant, error)
}

// ErrDecided: the record was approved or refused already (by another admin, or a double tap).
var ErrDecided = errors.New("already decided")

// ExternalDecision tells a participant what an admin decided on their record.
type ExternalDecision struct {
	ID int64 `json:"id"`
	uniqueByArgs
}

// Kind implements river.JobArgs.
func (ExternalDecision) Kind() string { return "external_decision" }

// Teller tells a participant of an admin's decision about them: the bot's side.
type Teller interface {
	TellExternal(ctx context.Context, id int64) error
	TellRevoked(ctx context.Context, certificateID int64) error
}

// AddTellerWorkers registers the decisions' jobs: on a training done elsewhere, and the
// revocation of a certificate.
func AddTellerWorkers(ws *river.Workers, t Teller) {
	river.AddWorker(ws, river.WorkFunc(func(ctx context.Context, job *river.Job[ExternalDecision]) error {
		return t.TellExternal(ctx, job.Args.ID)
	}))
	river.AddWorker(ws, river.WorkFunc(func(ctx context.Context, job *river.Job[CertificateRevoked]) error {
		return t.TellRevoked(ctx, job.Args.ID)
	}))
}

// ExternalDecisionReply is what the participant reads of the decision.
func ExternalDecisionReply(x External, p Participant) Reply {
	key := "lain.disetujui"
	if x.Status == ExternalRefused {
		key = "lain.ditolak"
	}
	return Reply{Text: T(key, "Name", p.Name, "Title", x.Title, "JP", x.JP, "Reason", x.Reason),
		Buttons: [][]Button{{Btn("jp.tombol", cb(nsMine, "jp"))}}}
}

// The conversation of recording one.
const (
	flowExternal    = "lain"
	stepExTitle     = "title"
	stepExOrganiser = "organiser"
	stepExDates     = "dates"
	stepExJP        = "jp"
	stepExFile      = "file"
	stepExConfirm   = "confirm"

	flowRefuseExternal = "tolak_lain"
	stepRefuseReason   = "reason"
)

// Limits of what is typed.
const (
	maxExternalText = 150
	maxExternalJP   = 200 // a long course (Latsar CPNS is under 200 JP a stage)
	maxProofBytes   = 10 << 20
)

// externalQuestions are the steps' questions.
var externalQuestions = map[string]string{
	stepExTitle:     "lain.tanya_title",
	stepExOrganiser: "lain.tanya_organiser",
	stepExDates:     "lain.tanya_dates",
	stepExJP:        "lain.tanya_jp",
	stepExFile:      "lain.tanya_file",
}

// startExternal asks the first question ("jp:add", /catatpelatihan).
func (c *conv) startExternal() error {
	c.set(State{Flow: flowExternal, Step: stepExTitle, External: &ExternalDraft{}})
	c.say(c.externalQuestion(stepExTitle))
	return nil
}

// externalQuestion is the question of a step, with its way out.
func (c *conv) externalQuestion(step string) Reply {
	return Reply{Text: T(externalQuestions[step]), Buttons: [][]Button{{Btn("lain.batal", cb(nsExternal, "x"))}}}
}

// withExternal runs a step with the draft, and leaves a state without one.
func withExternal(h func(*conv, *ExternalDraft) error) handler {
	return func(c *conv) error {
		if c.st.External == nil {
			return c.leave()
		}
		return h(c, c.st.External)
	}
}

// externalText takes a typed title or organiser.
func (c *conv) externalText(d *ExternalDraft) error {
	s := strings.Join(strings.Fields(c.in.Text), " ")
	if c.in.Kind != KindText || len([]rune(s)) < 3 || len([]rune(s)) > maxExternalText {
		c.say(Reply{Text: T("lain.teks_salah", "Max", maxExternalText)})
		return nil
	}
	next := stepExOrganiser
	if c.st.Step == stepExTitle {
		d.Title = s
	} else {
		d.Organiser, next = s, stepExDates
	}
	c.advanceExternal(d, next)
	return nil
}

func (c *conv) advanceExternal(d *ExternalDraft, step string) {
	s := c.st
	s.Step, s.External = step, d
	c.set(s)
	c.say(c.externalQuestion(step))
}

// externalDates takes the dates: one day, or a range.
func (c *conv) externalDates(d *ExternalDraft) error {
	now := c.e.now().In(c.e.zone)
	start, end, ok := ParseDateRange(c.in.Text, c.e.zone)
	switch {
	case c.in.Kind != KindText || !ok:
		c.say(Reply{Text: T("lain.tanggal_salah")})
		return nil
	case end.After(now):
		c.say(Reply{Text: T("lain.tanggal_depan")})
		return nil
	case start.Before(now.AddDate(-5, 0, 0)):
		c.say(Reply{Text: T("lain.tanggal_lama")})
		return nil
	}
	d.Start, d.End = start.Format(time.DateOnly), end.Format(time.DateOnly)
	c.advanceExternal(d, stepExJP)
	return nil
}

var jpTyped = regexp.MustCompile(`(?i)^\s*(\d{1,3})\s*(jp|jam( pelajaran)?)?\s*$`)

// externalJP takes the JP.
func (c *conv) externalJP(d *ExternalDraft) error {
	m := jpTyped.FindStringSubmatch(c.in.Text)
	n := 0
	if m != nil {
		n, _ = strconv.Atoi(m[1])
	}
	if c.in.Kind != KindText || n < 1 || n > maxExternalJP {
		c.say(Reply{Text: T("lain.jp_salah", "Max", maxExternalJP)})
		return nil
	}
	d.JP = n
	c.advanceExternal(d, stepExFile)
	return nil
}

// externalFile takes the certificate's photo or PDF, then shows the summary.
func (c *conv) externalFile(d *ExternalDraft) error {
	doc := c.in.Document
	switch {
	case doc == nil || (c.in.Kind != KindPhoto && c.in.Kind != KindDocument):
		c.say(Reply{Text: T("lain.berkas_salah")})
		return nil
	case c.in.Kind == KindDocument && !proofName(doc.Name):
		c.say(Reply{Text: T("lain.berkas_jenis")})
		return nil
	case doc.Size > maxProofBytes:
		c.say(Reply{Text: T("lain.berkas_besar")})
		return nil
	}
	d.FileID, d.Photo, d.FileName = doc.FileID, c.in.Kind == KindPhoto, doc.Name
	s := c.st
	s.Step, s.External = stepExConfirm, d
	c.set(s)
	c.say(c.externalSummary(d))
	return nil
}

// proofName accepts a PDF or an image sent as a file.
func proofName(name string) bool {
	n := strings.ToLower(name)
	for _, ext := range []string{".pdf", ".jpg", ".jpeg", ".png"} {
		if strings.HasSuffix(n, ext) {
			return true
		}
	}
	return false
}

func (c *conv) externalSummary(d *ExternalDraft) Reply {
	start, _ := time.ParseInLocation(time.DateOnly, d.Start, c.e.zone)
	end, _ := time.ParseInLocation(time.DateOnly, d.End, c.e.zone)
	return Reply{Text: T("lain.ringkasan", "Title", d.Title, "Organiser", d.Organiser, "Start", DayDate{start},
		"End", DayDate{end}, "JP", d.JP),
		Buttons: [][]Button{{Btn("lain.kirim", cb(nsExternal, "ok")), Btn("lain.batal", cb(nsExternal, "x"))}}}
}

// externalButton takes the conversation's buttons: send, or cancel.
func (c *conv) externalButton(d *ExternalDraft) error {
	switch c.data.action {
	case "x":
		c.clear()
		c.say(Reply{Edit: true, Text: T("lain.dibatalkan"), Buttons: [][]Button{{Btn("jp.tombol", cb(nsMine, "jp")), homeButton()}}})
		return nil
	case "ok":
		if c.st.Step != stepExConfirm {
			return c.expired()
		}
	default:
		return c.expired()
	}
	start, err1 := time.ParseInLocation(time.DateOnly, d.Start, c.e.zone)
	end, err2 := time.ParseInLocation(time.DateOnly, d.End, c.e.zone)
	if err1 != nil || err2 != nil {
		return c.leave()
	}
	x := External{ParticipantID: c.p.ID, Title: d.Title, Organiser: d.Organiser, Start: start, End: end, JP: d.JP,
		FileID: d.FileID, Photo: d.Photo, FileName: d.FileName}
	// It counts in the year it ended: noon of its last day, wherever the year is cut.
	if _, err := c.e.store.AddExternal(c.ctx, x, end.Add(12*time.Hour), c.e.now()); err != nil {
		return fmt.Errorf("add external: %w", err)
	}
	c.clear()
	c.say(Reply{Edit: true, Text: T("lain.terkirim", "Title", d.Title, "JP", d.JP),
		Buttons: [][]Button{{Btn("jp.tombol", cb(nsMine, "jp")), homeButton()}}})
	return nil
}

// monthNames are the Indonesian months, and their usual short forms, as typed.
var monthNames = map[string]time.Month{
	"januari": 1, "jan": 1, "februari": 2, "feb": 2, "pebruari": 2, "maret": 3, "mar": 3, "april": 4, "apr": 4,
	"mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "agustus": 8, "agu": 8, "agt": 8, "agus": 8,
	"september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11, "nop": 11,
	"desember": 12, "des": 12,
}

var (
	numericDate = regexp.MustCompile(`^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$`)
	isoDate     = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	wordDate    = regexp.MustCompile(`^(\d{1,2})(?:\s+([a-z]+))?(?:\s+(\d{4}))?$`)
	dayDashDay  = regexp.MustCompile(`^(\d{1,2})-(\d{1,2}) ([a-z]+ \d{4})$`)
	rangeSep    = regexp.MustCompile(`\s*(?:s\.?\s?d\.?|sampai( dengan)?|hingga|–|—|\s-\s)\s*`)
)

// ParseDateRange reads the dates of a training as people type them: "12/08/2026",
// "12/08/2026 - 14/08/2026", "2026-08-12", "12 Agustus 2026", "12-14 Agustus 2026",
// "12 s.d. 14 Agustus 2026", "30 Juli - 2 Agustus 2026". Days are midnight in zone.
func ParseDateRange(s string, zone *time.Location) (start, end time.Time, ok bool) {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	s = strings.TrimPrefix(s, "tanggal ")
	parts := rangeSep.Split(s, 2)
	if len(parts) == 1 {
		// "12-14 agustus 2026": a dash between two day numbers.
		if m := dayDashDay.FindStringSubmatch(s); m != nil {
			parts = []string{m[1], m[2] + " " + m[3]}
		}
	}
	if len(parts) == 1 {
		d, ok := parseDay(parts[0], 0, 0, zone)
		return d, d, ok
	}
	end, ok = parseDay(parts[1], 0, 0, zone)
	if !ok {
		return start, end, false
	}
	// The first date may leave out the month and year of the second ("12 s.d. 14 Agustus").
	start, ok = parseDay(parts[0], end.Month(), end.Year(), zone)
	if !ok || end.Before(start) || end.Sub(start) > 366*24*time.Hour {
		return start, end, false
	}
	return start, end, true
}

// parseDay reads one date; month and year fill in what it leaves out (0: nothing to fill).
func parseDay(s string, month time.Month, year int, zone *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	var d, m, y int
	switch {
	case numericDate.MatchString(s):
		p := numericDate.FindStringSubmatch(s)
		d, m, y = atoiOr0(p[1]), atoiOr0(p[2]), atoiOr0(p[3])
	case isoDate.MatchString(s):
		p := isoDate.FindStringSubmatch(s)
		y, m, d = atoiOr0(p[1]), atoiOr0(p[2]), atoiOr0(p[3])
	case wordDate.MatchString(s):
		p := wordDate.FindStringSubmatch(s)
		d, m, y = atoiOr0(p[1]), int(month), year
		if p[2] != "" {
			mm, known := monthNames[p[2]]
			if !known {
				return time.Time{}, false
			}
			m = int(mm)
		}
		if p[3] != "" {
			y = atoiOr0(p[3])
		}
	default:
		return time.Time{}, false
	}
	if m < 1 || m > 12 || d < 1 || y < 1900 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, zone)
	if t.Day() != d { // 31 April
		return time.Time{}, false
	}
	return t, true
}

func atoiOr0(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}

// externalQueue shows an admin the oldest record waiting ("/verifikasijp", "pv:n"): the
// proof, then who and what, with the decision's buttons.
func (c *conv) externalQueue() error {
	w, err := c.e.store.NextWaitingExternal(c.ctx)
	if errors.Is(err, ErrNotFound) {
		c.say(Reply{Text: T("lain.antrean_kosong")})
		return nil
	}
	if err != nil {
		return fmt.Errorf("waiting external: %w", err)
	}
	x, p := w.External, w.Participant
	proof := &File{FileID: x.FileID, Name: x.FileName, Caption: T("lain.bukti", "Name", p.Name)}
	r := Reply{File: proof}
	if x.Photo {
		r = Reply{Photo: proof}
	}
	c.say(r)
	kind := "PNS"
	if p.Kind == asn.PPPK {
		kind = "PPPK"
	}
	c.say(Reply{Text: T("lain.tinjau", "Left", w.Left, "Name", p.Name, "NIP", asn.MaskNIP(p.NIP), "Kind", kind,
		"Agency", p.Agency, "Title", x.Title, "Organiser", x.Organiser, "Start", DayDate{x.Start}, "End", DayDate{x.End}, "JP", x.JP),
		Buttons: [][]Button{{Btn("lain.setujui", cb(nsReview, "ok", x.ID)), Btn("lain.tolak", cb(nsReview, "no", x.ID))}}})
	return nil
}

// approveExternal approves a record ("pv:ok:<id>").
func (c *conv) approveExternal() error {
	id, ok := c.data.id(0)
	if !ok {
		return c.expired()
	}
	x, err := c.e.store.DecideExternal(c.ctx, id, true, "", c.actor(), c.e.now())
	if done, err := c.decided(err); done {
		return err
	}
	c.say(Reply{Edit: true, Text: T("lain.disetujui_admin", "Title", x.Title, "JP", x.JP),
		Buttons: [][]Button{{Btn("lain.berikutnya", cb(nsReview, "n"))}}})
	return nil
}

// decided handles what deciding returned: a record decided already is told, a fault passed on.
func (c *conv) decided(err error) (bool, error) {
	switch {
	case errors.Is(err, ErrDecided) || errors.Is(err, ErrNotFound):
		c.clear()
		c.toast(T("lain.sudah_diputuskan"))
		return true, nil
	case err != nil:
		return true, fmt.Errorf("decide external: %w", err)
	}
	return false, nil
}

// askRefusal asks why a record is refused ("pv:no:<id>").
func (c *conv) askRefusal() error {
	id, ok := c.data.id(0)
	if !ok {
		return c.expired()
	}
	c.set(State{Flow: flowRefuseExternal, Step: stepRefuseReason, Refusing: id})
	c.say(Reply{Text: T("lain.tanya_alasan")})
	return nil
}

// refusalReason refuses the record with the reason typed.
func (c *conv) refusalReason() error {
	reason := strings.Join(strings.Fields(c.in.Text), " ")
	if c.in.Kind != KindText || len([]rune(reason)) < 5 || len([]rune(reason)) > maxRevokeReason {
		c.say(Reply{Text: T("verifikasi.alasan_salah", "Max", maxRevokeReason)})
		return nil
	}
	x, err := c.e.store.DecideExternal(c.ctx, c.st.Refusing, false, reason, c.actor(), c.e.now())
	if done, err := c.decided(err); done {
		return err
	}
	c.clear()
	c.say(Reply{Text: T("lain.ditolak_admin", "Title", x.Title, "Reason", x.Reason),
		Buttons: [][]Button{{Btn("lain.berikutnya", cb(nsReview, "n"))}}})
	return nil
}
