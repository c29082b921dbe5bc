package flows

import (
	"context"
	"fmt"
	"html"
	"math"
	"regexp"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/riverqueue/river"

	"github.com/bpsdm/asnbot/flows/document"
)

// An announcement (/siaran) is a message staff send to an audience. It is stored when the
// admin presses "Kirim" (or at the time they chose, by a job written then); when it starts,
// its recipients are fixed in one transaction, each with a job of its own, so the shared
// throttle paces it, a crash resumes it, and each recipient has one delivery record.

// AudienceKind is who an announcement is for.
type AudienceKind string

// The audiences.
const (
	AudienceAll      AudienceKind = "semua"        // everyone registered
	AudienceCourse   AudienceKind = "pelatihan"    // enrolled or waiting in any batch of a course
	AudienceBatch    AudienceKind = "angkatan"     // of one batch: registered, waiting, or both
	AudienceAgency   AudienceKind = "instansi"     // of one agency
	AudienceNoSurvey AudienceKind = "belum_survei" // seats of a batch whose survey is not submitted
)

// Audience is who an announcement goes to, with the names it is shown by.
type Audience struct {
	Kind        AudienceKind      `json:"kind"`
	Course      string            `json:"course,omitempty"` // course code
	CourseTitle string            `json:"course_title,omitempty"`
	BatchID     int64             `json:"batch,omitempty"`
	BatchName   string            `json:"batch_name,omitempty"`
	Statuses    []EnrolmentStatus `json:"statuses,omitempty"` // for a batch
	Agency      string            `json:"agency,omitempty"`   // the agency's key: its name in lower case, spaces collapsed
	AgencyName  string            `json:"agency_name,omitempty"`
}

// aboutSeats reports whether each recipient is there by an enrolment, so that {pelatihan},
// {angkatan} and {mulai} have a value.
func (a Audience) aboutSeats() bool {
	return a.Kind == AudienceCourse || a.Kind == AudienceBatch || a.Kind == AudienceNoSurvey
}

// label names the audience for staff.
func (a Audience) label() Text {
	statuses := "semua"
	if len(a.Statuses) == 1 {
		statuses = string(a.Statuses[0])
	}
	return T("siaran.sasaran."+string(a.Kind), "Code", a.Course, "Title", a.CourseTitle, "Batch", a.BatchName,
		"Agency", a.AgencyName, "Statuses", statuses)
}

// Agency is an agency on record, as most of its participants write it.
type Agency struct {
	Key, Name string
	Count     int
}

// Recipient is one person an announcement goes to, with the enrolment that put them in the
// audience (nil for an audience of people, not seats).
type Recipient struct {
	Participant Participant
	Enrolment   *Enrolment
}

// Announcement statuses.
const (
	AnnScheduled = "scheduled"
	AnnSending   = "sending"
	AnnStopped   = "stopped"
	AnnDone      = "done"
	AnnCancelled = "cancelled"
)

// Announcement is one announcement and how its delivery stands.
type Announcement struct {
	ID          int64
	CreatedBy   int64
	Audience    Audience
	Body        string // Telegram HTML, with the placeholders
	MediaKind   string // "", "photo" or "document"
	MediaFile   string // Telegram file_id
	LinkPreview bool
	SendAt      time.Time
	Urgent      bool
	Status      string

	Total, Sent, Unreachable, Failed, Skipped int

	// StatusChat and StatusMessage are the staff message that shows the progress.
	StatusChat    int64
	StatusMessage int
	StartedAt     time.Time
	FinishedAt    time.Time
}

// Remaining is how many recipients are still to be tried.
func (a Announcement) Remaining() int {
	return max(a.Total-a.Sent-a.Unreachable-a.Failed-a.Skipped, 0)
}

// Outcome is what became of one recipient.
type Outcome string

// The outcomes.
const (
	OutcomeSent        Outcome = "sent"
	OutcomeUnreachable Outcome = "unreachable" // the person blocked the bot or left Telegram
	OutcomeFailed      Outcome = "failed"      // Telegram refused the message, or kept failing
	OutcomeSkipped     Outcome = "skipped"     // stopped before it went, or the person deleted their data
)

// Unreached is a recipient the announcement did not reach, for the report's spreadsheet.
type Unreached struct {
	Name, Agency string
	Outcome      Outcome
	Reason       string
}

// Announcements is what /siaran needs of Postgres.
type Announcements interface {
	// Audience counts the people an audience holds now, with one of them to show the preview for.
	Audience(ctx context.Context, a Audience) (count int, sample Recipient, err error)
	// Agencies are the agencies on record, by name.
	Agencies(ctx context.Context) ([]Agency, error)
	// CreateAnnouncement stores a (its ID set) under the draft's key with its start job (due
	// at SendAt) and the audit entry, in one transaction; a second call with the same key
	// returns the first and created false.
	CreateAnnouncement(ctx context.Context, a *Announcement, key string, by Actor, now time.Time) (created bool, err error)
	// StopAnnouncement stops what has not gone yet; false when it was not sending.
	StopAnnouncement(ctx context.Context, id int64, by Actor, now time.Time) (Announcement, bool, error)
	// CancelAnnouncement cancels a scheduled announcement before it starts; false when it is
	// not scheduled any more.
	CancelAnnouncement(ctx context.Context, id int64, by Actor, now time.Time) (bool, error)
	// ScheduledAnnouncements are those still to start, soonest first.
	ScheduledAnnouncements(ctx context.Context) ([]Announcement, error)
}

// AnnouncementStart starts an announcement at its time: its recipients are fixed then.
type AnnouncementStart struct {
	ID int64 `json:"id"`
}

// Kind implements river.JobArgs.
func (AnnouncementStart) Kind() string { return "announcement_start" }

// AnnouncementSend sends an announcement to one recipient.
type AnnouncementSend struct {
	ID          int64 `json:"id"`
	Participant int64 `json:"p"`
}

// Kind implements river.JobArgs.
func (AnnouncementSend) Kind() string { return "announcement_send" }

// AnnouncementAttempts bounds the tries of one recipient's job: after the last, the
// recipient counts as failed and the announcement can finish.
const AnnouncementAttempts = 6

// InsertOpts implements river.JobArgsWithInsertOpts.
func (AnnouncementSend) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: AnnouncementAttempts}
}

// Announcer runs announcements (bot's, on the records storage keeps).
type Announcer interface {
	StartAnnouncement(ctx context.Context, id int64) error
	// SendAnnouncement sends to one recipient, from job (whose retry may take back a delivery
	// claim of its own); lastTry is the job's last attempt.
	SendAnnouncement(ctx context.Context, id, participant, job int64, lastTry bool) error
}

// AddAnnouncementWorkers registers the River workers of announcements.
func AddAnnouncementWorkers(ws *river.Workers, a Announcer) {
	river.AddWorker(ws, river.WorkFunc(func(ctx context.Context, job *river.Job[AnnouncementStart]) error {
		return a.StartAnnouncement(ctx, job.Args.ID)
	}))
	river.AddWorker(ws, river.WorkFunc(func(ctx context.Context, job *river.Job[AnnouncementSend]) error {
		return a.SendAnnouncement(ctx, job.Args.ID, job.Args.Participant, job.ID, job.Attempt >= job.MaxAttempts)
	}))
}

// Placeholders is the shape of a placeholder in an announcement ({nama}, ...), filled in for
// each recipient by the renderer; checkPlaceholders says which are known.
var Placeholders = regexp.MustCompile(`\{[^{}\s]{1,20}\}`)

// checkPlaceholders returns the Text that explains what is wrong with the placeholders of
// body for audience a, or the zero Text.
func checkPlaceholders(body string, a Audience) Text {
	for _, p := range Placeholders.FindAllString(body, -1) {
		switch p {
		case "{nama}":
		case "{pelatihan}", "{angkatan}", "{mulai}":
			if !a.aboutSeats() {
				return T("siaran.isian_tanpa_angkatan", "Name", p)
			}
		default:
			return T("siaran.isian_tidak_dikenal", "Name", p)
		}
	}
	return Text{}
}

// captionLimit is Telegram's limit on a caption, in characters of its plain text.
const captionLimit = 1024

// AnnouncementReplies are the messages one recipient gets: the body with the placeholders
// filled in (by the renderer, from the Text's arguments), under the photo or document when
// there is one (apart from it when the filled text is too long for a caption).
func AnnouncementReplies(a Announcement, r Recipient) []Reply {
	fill := map[string]any{"{nama}": r.Participant.Name, "{pelatihan}": "", "{angkatan}": "", "{mulai}": ""}
	if e := r.Enrolment; e != nil {
		fill["{pelatihan}"] = e.Course.Title
		fill["{angkatan}"] = e.Batch.Name
		fill["{mulai}"] = e.Batch.StartsAt.In(e.Batch.Zone())
	}
	var text Text
	if a.Body != "" {
		text = Text{HTML: a.Body, Args: fill}
	}
	if a.MediaKind == "" {
		return []Reply{{Text: text, LinkPreview: a.LinkPreview}}
	}
	f := &File{FileID: a.MediaFile, Name: a.MediaKind}
	var rest []Reply
	if filledLength(a.Body, fill) <= captionLimit {
		f.Caption = text
	} else {
		rest = []Reply{{Text: text, LinkPreview: a.LinkPreview}}
	}
	if a.MediaKind == "photo" {
		return append([]Reply{{Photo: f}}, rest...)
	}
	return append([]Reply{{File: f}}, rest...)
}

// filledLength is how long body's text is once filled in, a date counted at its longest.
func filledLength(body string, fill map[string]any) int {
	const longestDate = len("Rabu, 29 September 2027 pukul 08.00 WITA")
	plain := Placeholders.ReplaceAllStringFunc(PlainOf(body), func(p string) string {
		if s, ok := fill[p].(string); ok {
			return s
		}
		return strings.Repeat("x", longestDate)
	})
	return UTF16Len(plain)
}

// MaxMessage is Telegram's limit on a message's visible text, in UTF-16 code units.
const MaxMessage = 4096

// UTF16Len is a text's length as Telegram counts it: in UTF-16 code units (an emoji is two).
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// PlainOf is the text of Telegram HTML without its markup, as Telegram counts it.
func PlainOf(h string) string { return html.UnescapeString(tagRE.ReplaceAllString(h, "")) }

// AnnouncementStatus is the staff's status message of an announcement as it stands: counts,
// what is left and an estimate of the time it takes, with "Hentikan" while it runs.
func AnnouncementStatus(a Announcement, ratePerSecond float64) Reply {
	left := a.Remaining()
	eta := time.Duration(0)
	if ratePerSecond > 0 {
		eta = time.Duration(math.Ceil(float64(left)/ratePerSecond)) * time.Second
	}
	key := "siaran.status_jalan"
	switch a.Status {
	case AnnDone:
		key = "siaran.status_selesai"
	case AnnStopped:
		key = "siaran.status_dihentikan"
	}
	r := Reply{Edit: true, Text: T(key, "ID", a.ID, "Audience", a.Audience.label(), "Total", a.Total, "Sent", a.Sent,
		"Unreachable", a.Unreachable, "Failed", a.Failed, "Skipped", a.Skipped, "Left", left,
		"Minutes", int(eta.Minutes()), "Seconds", int(eta.Seconds())%60)}
	if a.Status == AnnSending {
		r.Buttons = [][]Button{{Btn("siaran.hentikan", cb(nsAnnounce, "h", a.ID))}}
	}
	return r
}

// AnnouncementReport is what staff get when an announcement has finished: the spreadsheet of
// those it did not reach, and why, when there are any.
func AnnouncementReport(a Announcement, unreached []Unreached) ([]Reply, error) {
	if len(unreached) == 0 {
		return nil, nil
	}
	f, err := unreachedFile(fmt.Sprintf("siaran-%d-tidak-terkirim.xlsx", a.ID), unreached,
		T("siaran.laporan_berkas", "ID", a.ID, "Count", len(unreached)))
	if err != nil {
		return nil, err
	}
	return []Reply{{File: f}}, nil
}

// The reasons a recipient was not reached, as the spreadsheets give them.
const (
	ReasonBlocked = "bot diblokir atau akun tidak aktif"
	ReasonDeleted = "data dihapus"
	ReasonStopped = "dihentikan"
)

// unreachedFile is the spreadsheet of whom a delivery did not reach, and why: after an
// announcement, and after the notices of a change.
func unreachedFile(name string, unreached []Unreached, caption Text) (*File, error) {
	t := document.Table{Header: []string{"nama", "instansi", "hasil", "alasan"}}
	for _, u := range unreached {
		t.Rows = append(t.Rows, []string{u.Name, u.Agency, string(u.Outcome), u.Reason})
	}
	content, err := t.XLSX()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &File{Name: name, Content: content, Caption: caption}, nil
}
