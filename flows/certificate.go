package flows

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/bpsdm/asnbot/flows/asn"
	"github.com/bpsdm/asnbot/flows/document"
)

// E-certificates. A participant whose enrolment became "selesai" (attendance reached the
// course's threshold) gets the certificate once they have submitted the batch's evaluation:
// the survey invitation says so, and submitting it (or a completion that finds it submitted)
// plans a CertificateNotice that issues the certificate and sends the PDF, once. What a
// certificate says is kept as issued; its number comes from CERT_NUMBER_FORMAT with a serial
// that never goes back, and its verification code is random, printed with a QR code of the
// page that checks it (GET /verifikasi/<kode>, or /verifikasi in chat).

// The conversation of revoking a certificate: the admin types the reason.
const (
	flowRevoke       = "cabut"
	stepRevokeReason = "reason"
)

// Certificate is an issued e-certificate.
type Certificate struct {
	ID            int64
	EnrolmentID   int64 // 0 once the participant deleted their data
	ParticipantID int64
	BatchID       int64
	Number        string
	Code          string // the verification code, without separators ("K7Q29XRM4T")
	Name          string
	NIP           string
	Agency        string // the participant's instansi
	Organiser     string // who held the training (CERT_ORGANISER)
	CourseCode    string
	CourseTitle   string
	Category      string
	BatchName     string
	StartsAt      time.Time
	EndsAt        time.Time
	TimeZone      string
	JP            int
	IssuedAt      time.Time
	RevokedAt     time.Time // zero while valid
	RevokeReason  string
}

// Revoked reports whether an admin revoked it.
func (c Certificate) Revoked() bool { return !c.RevokedAt.IsZero() }

// Zone is where its dates are shown: the batch's.
func (c Certificate) Zone() *time.Location { return asn.Zone(c.TimeZone) }

// ShownCode is the verification code as printed: two groups of five ("K7Q29-XRM4T").
func (c Certificate) ShownCode() string {
	if len(c.Code) != certCodeLen {
		return c.Code
	}
	return c.Code[:5] + "-" + c.Code[5:]
}

// CertTerms are the agency's terms for certificates, from the environment.
type CertTerms struct {
	// NumberFormat makes a certificate's number (CERT_NUMBER_FORMAT), e.g.
	// "{kode}/{angkatan}/{urut}/{tahun}".
	NumberFormat string
	// Organiser is the agency that holds the trainings (CERT_ORGANISER): on the certificate,
	// its verification and the SIASN export.
	Organiser string
}

// DefaultCertNumberFormat numbers certificates per batch and year.
const DefaultCertNumberFormat = "{kode}/{angkatan}/{urut}/{tahun}"

var certPlaceholder = regexp.MustCompile(`\{[^{}]*\}`)

// certFields are the placeholders a number format may use.
var certFields = map[string]bool{"{kode}": true, "{angkatan}": true, "{urut}": true, "{tahun}": true, "{bulan}": true}

// CheckCertNumberFormat tells an operator what is wrong with a number format.
func CheckCertNumberFormat(f string) error {
	if !strings.Contains(f, "{urut}") {
		return errors.New("it must contain {urut}, the serial that keeps numbers apart")
	}
	for _, p := range certPlaceholder.FindAllString(f, -1) {
		if !certFields[p] {
			return fmt.Errorf("unknown placeholder %s (use {kode}, {angkatan}, {urut}, {tahun} and {bulan})", p)
		}
	}
	if len(f) > 120 {
		return errors.New("it is too long")
	}
	return nil
}

// CertScope is the number with every placeholder filled but {urut}: numbers of one scope
// share a serial. The batch's end gives the year and month, in its zone.
func CertScope(format string, c Course, b Batch) string {
	end := b.EndsAt.In(b.Zone())
	return strings.NewReplacer("{kode}", c.Code, "{angkatan}", batchNumeral(b.Name),
		"{tahun}", strconv.Itoa(end.Year()), "{bulan}", fmt.Sprintf("%02d", int(end.Month()))).Replace(format)
}

// CertNumber fills a scope's {urut} with the serial, three digits at least.
func CertNumber(scope string, serial int) string {
	return strings.ReplaceAll(scope, "{urut}", fmt.Sprintf("%03d", serial))
}

// batchNumeral is "II" of "Angkatan II": numbers are short.
func batchNumeral(name string) string {
	s := strings.TrimSpace(name)
	if rest, ok := cutPrefixFold(s, "angkatan "); ok {
		s = rest
	}
	return strings.Join(strings.Fields(s), "-")
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return strings.TrimSpace(s[len(prefix):]), true
	}
	return s, false
}

// certAlphabet is Crockford's base 32: no I, L, O or U, so a code read aloud or typed from
// paper is not mistaken.
const certAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// certCodeLen is 10 characters: 50 random bits, beyond guessing.
const certCodeLen = 10

// NewCertCode is a new random verification code.
func NewCertCode() (string, error) {
	b := make([]byte, certCodeLen)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("certificate code: %w", err)
	}
	for i := range b {
		b[i] = certAlphabet[b[i]%32]
	}
	return string(b), nil
}

// NormalizeCertCode reads a code as typed or scanned: case, spaces and dashes do not matter,
// and the letters Crockford's alphabet leaves out read as the digits they look like. ok is
// false for what cannot be a code.
func NormalizeCertCode(s string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || r == ' ' || r == '.':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		}
		if !strings.ContainsRune(certAlphabet, r) {
			return "", false
		}
		b.WriteRune(r)
	}
	if b.Len() != certCodeLen {
		return "", false
	}
	return b.String(), true
}

// PublicNIP hides a NIP on a public page (the verification page) further than asn.MaskNIP
// does for admins: only the year of birth and the last three digits stay, enough to tell
// two namesakes apart, not the birth date ("1986***********001").
func PublicNIP(nip string) string {
	if len(nip) < 8 {
		return strings.Repeat("*", len(nip))
	}
	return nip[:4] + strings.Repeat("*", len(nip)-7) + nip[len(nip)-3:]
}

// Certificates is what certificates need of Postgres.
type Certificates interface {
	// IssueCertificate issues the enrolment's certificate, once: a second call returns it as
	// it was issued. ErrNotFound when the enrolment is gone.
	IssueCertificate(ctx context.Context, enrolmentID int64, now time.Time) (Certificate, error)
	// CertificateOf returns the enrolment's certificate; ErrNotFound when none was issued.
	CertificateOf(ctx context.Context, enrolmentID int64) (Certificate, error)
	// CertificateByCode returns the certificate of a verification code; ErrNotFound if none.
	CertificateByCode(ctx context.Context, code string) (Certificate, error)
	// CertificateByID returns a certificate; ErrNotFound if none.
	CertificateByID(ctx context.Context, id int64) (Certificate, error)
	// RevokeCertificate revokes a certificate with the reason, with its audit entry; revoking
	// one already revoked changes nothing and returns it.
	RevokeCertificate(ctx context.Context, id int64, reason string, by Actor, now time.Time) (Certificate, error)
	// BatchCertificates lists a batch's certificates, valid or not, by number.
	BatchCertificates(ctx context.Context, batchID int64) ([]Certificate, error)
	// CertificateNumbers maps the participant's enrolments to their certificates' numbers.
	CertificateNumbers(ctx context.Context, participantID int64) (map[int64]string, error)
	// CertificateHolder loads a certificate and its holder; ErrNotFound when either is gone.
	CertificateHolder(ctx context.Context, id int64) (Certificate, Participant, error)
}

// CertificateRevoked tells the holder that their certificate was revoked, and why; written
// with the revocation.
type CertificateRevoked struct {
	ID int64 `json:"id"`
	uniqueByArgs
}

// Kind implements river.JobArgs.
func (CertificateRevoked) Kind() string { return "certificate_revoked" }

// RevokedReply is what the holder reads of a revocation.
func RevokedReply(cert Certificate) Reply {
	return Reply{Text: T("sertifikat.dicabut_kabar", "Number", cert.Number, "Title", cert.CourseTitle, "Reason", cert.RevokeReason),
		Buttons: [][]Button{{backToMine()}}}
}

// CertificateNotice issues and sends a completed participant's certificate once their
// evaluation is in. Cause tells apart the two moments that plan it (the completion of the
// batch and the submission of the survey), which River would otherwise take for one job.
type CertificateNotice struct {
	EnrolmentID int64  `json:"enrolment_id"`
	Cause       string `json:"cause"`
	uniqueByArgs
}

// The causes of a CertificateNotice.
const (
	CertOnCompletion = "selesai"
	CertOnSurvey     = "survei"
)

// Kind implements river.JobArgs.
func (CertificateNotice) Kind() string       { return "certificate_notice" }
func (n CertificateNotice) enrolment() int64 { return n.EnrolmentID }

// checkCertificate issues the certificate of a completed seat whose evaluation was submitted,
// and sends it; the delivery record (kind and enrolment, whatever the cause) sends it once.
// Until the evaluation is in there is nothing to send: the survey's invitation and nudges say
// the certificate waits for it.
func checkCertificate(ctx context.Context, _ CertificateNotice, d Due) (Letter, error) {
	e := d.Enrolment
	if e.Status != Completed {
		return Letter{}, nil
	}
	ok, err := evaluated(ctx, d.Store, e)
	if err != nil || !ok {
		return Letter{}, err
	}
	cert, err := d.Store.IssueCertificate(ctx, e.ID, d.Now)
	if err != nil {
		return Letter{}, fmt.Errorf("issue certificate: %w", err)
	}
	if cert.Revoked() {
		return Letter{}, nil
	}
	r := certificateReply(cert)
	r.File.Caption = T("sertifikat.terbit", "Name", d.Participant.Name, "Title", cert.CourseTitle, "Batch", cert.BatchName,
		"Number", cert.Number, "Code", cert.ShownCode())
	return Letter{Replies: []Reply{r}}, nil
}

// evaluated reports whether the enrolment's evaluation was submitted.
func evaluated(ctx context.Context, s Store, e Enrolment) (bool, error) {
	sv, err := s.SurveyOf(ctx, e.Batch.ID)
	if errors.Is(err, ErrNotFound) {
		return false, nil // not opened yet: its invitation comes, saying the certificate waits
	}
	if err != nil {
		return false, fmt.Errorf("survey: %w", err)
	}
	done, err := s.Submitted(ctx, sv.ID, e.ID)
	if err != nil {
		return false, fmt.Errorf("survey submitted: %w", err)
	}
	return done, nil
}

// certificateReply is the certificate's PDF, with the SIASN card's button. The bot prints the
// PDF (Reply.Certificate): its words come from the locale.
func certificateReply(cert Certificate) Reply {
	return Reply{Certificate: &cert, File: &File{Name: certFileName(cert), Caption: T("sertifikat.keterangan",
		"Title", cert.CourseTitle, "Batch", cert.BatchName, "Number", cert.Number, "Code", cert.ShownCode())},
		Buttons: [][]Button{{Btn("sertifikat.siasn", cb(nsMine, "sa", cert.EnrolmentID))}}}
}

// certFileName is "sertifikat-man-asn-ii-001-2026.pdf".
func certFileName(cert Certificate) string {
	return "sertifikat-" + fileSafe(cert.Number) + ".pdf"
}

// certificateAgain sends the certificate of one of "Pelatihan Saya" again ("s:c:<id>"); a
// completed seat whose evaluation is not in is asked for it first.
func (c *conv) certificateAgain() error {
	e, ok, err := c.mine()
	if !ok {
		return err
	}
	cert, err := c.e.store.CertificateOf(c.ctx, e.ID)
	switch {
	case errors.Is(err, ErrNotFound):
		return c.certificateWaits(e)
	case err != nil:
		return fmt.Errorf("certificate: %w", err)
	case cert.Revoked():
		c.say(Reply{Text: T("sertifikat.dicabut_milik", "Number", cert.Number, "Reason", cert.RevokeReason,
			"At", Date{cert.RevokedAt.In(c.e.zone)})})
		return nil
	}
	c.say(certificateReply(cert))
	return nil
}

// certificateWaits says why a certificate is not there yet: the evaluation, or the
// completion, is still to come.
func (c *conv) certificateWaits(e Enrolment) error {
	if e.Status != Completed {
		c.toast(T("sertifikat.belum_selesai"))
		return nil
	}
	done, err := evaluated(c.ctx, c.e.store, e)
	if err != nil {
		return err
	}
	if done {
		// Submitted, and its notice is on its way (or was dropped): issue it here.
		cert, err := c.e.store.IssueCertificate(c.ctx, e.ID, c.e.now())
		if err != nil {
			return fmt.Errorf("issue certificate: %w", err)
		}
		c.say(certificateReply(cert))
		return nil
	}
	c.say(Reply{Text: T("sertifikat.menunggu", "Title", e.Course.Title, "Batch", e.Batch.Name),
		Buttons: [][]Button{{Btn("survei.isi", cb(nsSurvey, "o", e.ID))}}})
	return nil
}

// siasnCard is what a participant copies into SIASN's riwayat kursus (MySAPK), one field a
// line, each one tap to copy ("s:sa:<id>").
func (c *conv) siasnCard() error {
	e, ok, err := c.mine()
	if !ok {
		return err
	}
	cert, err := c.e.store.CertificateOf(c.ctx, e.ID)
	if errors.Is(err, ErrNotFound) || (err == nil && cert.Revoked()) {
		c.toast(T("sertifikat.belum_ada"))
		return nil
	}
	if err != nil {
		return fmt.Errorf("certificate: %w", err)
	}
	z := cert.Zone()
	c.say(Reply{Text: T("sertifikat.kartu_siasn", "Title", cert.CourseTitle, "Kind", cert.Category, "JP", cert.JP,
		"Start", cert.StartsAt.In(z).Format(siasnDate), "End", cert.EndsAt.In(z).Format(siasnDate),
		"Year", cert.EndsAt.In(z).Year(), "Organiser", cert.Organiser, "Number", cert.Number),
		Buttons: [][]Button{{Btn("umum.kembali", cb(nsMine, "d", e.ID)), homeButton()}}})
	return nil
}

// verifyCommand answers /verifikasi <kode>, for anyone: whether a certificate is valid.
func (c *conv) verifyCommand() error { return c.verify(c.in.Text) }

// verify answers a verification code typed, or scanned from the certificate's QR code when it
// opens the bot (?start=v_<kode>). An admin may revoke a valid certificate from here.
func (c *conv) verify(typed string) error {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		c.say(Reply{Text: T("verifikasi.cara")})
		return nil
	}
	code, ok := NormalizeCertCode(typed)
	if !ok {
		c.say(Reply{Text: T("verifikasi.tidak_dikenal", "Code", cutBytes(typed, 30))})
		return nil
	}
	cert, err := c.e.store.CertificateByCode(c.ctx, code)
	if errors.Is(err, ErrNotFound) {
		c.say(Reply{Text: T("verifikasi.tidak_dikenal", "Code", cutBytes(typed, 30))})
		return nil
	}
	if err != nil {
		return fmt.Errorf("certificate by code: %w", err)
	}
	r := Reply{Text: VerificationText(cert, c.e.zone)}
	if !cert.Revoked() && c.isAdmin() {
		r.Buttons = [][]Button{{Btn("verifikasi.cabut", cb(nsCert, "x", cert.ID))}}
	}
	c.say(r)
	return nil
}

// VerificationText says whether cert is valid, for whom (the NIP masked), which course, when
// and how many JP: the same in chat and on the verification page.
func VerificationText(cert Certificate, zone *time.Location) Text {
	z := cert.Zone()
	if cert.Revoked() {
		return T("verifikasi.dicabut", "Number", cert.Number, "Name", cert.Name, "Title", cert.CourseTitle,
			"At", Date{cert.RevokedAt.In(zone)}, "Reason", cert.RevokeReason)
	}
	return T("verifikasi.sah", "Number", cert.Number, "Name", cert.Name, "NIP", PublicNIP(cert.NIP),
		"Title", cert.CourseTitle, "Batch", cert.BatchName, "Start", Date{cert.StartsAt.In(z)}, "End", Date{cert.EndsAt.In(z)},
		"JP", cert.JP, "Organiser", cert.Organiser, "Issued", Date{cert.IssuedAt.In(z)})
}

// UnknownCertificateText is the answer to a code no certificate has.
func UnknownCertificateText(code string) Text {
	return T("verifikasi.tidak_dikenal", "Code", cutBytes(code, 30))
}

// askRevoke asks an admin why a certificate is revoked ("sf:x:<id>").
func (c *conv) askRevoke() error {
	id, ok := c.data.id(0)
	if !ok {
		return c.expired()
	}
	cert, err := c.e.store.CertificateByID(c.ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && cert.Revoked()) {
		return c.expired()
	}
	if err != nil {
		return fmt.Errorf("certificate: %w", err)
	}
	c.set(State{Flow: flowRevoke, Step: stepRevokeReason, Revoking: id})
	c.say(Reply{Text: T("verifikasi.tanya_alasan", "Number", cert.Number, "Name", cert.Name)})
	return nil
}

// maxRevokeReason keeps a reason to what a verification page shows in a line or two.
const maxRevokeReason = 200

// revokeReason revokes the certificate with the reason typed.
func (c *conv) revokeReason() error {
	reason := strings.Join(strings.Fields(c.in.Text), " ")
	if c.in.Kind != KindText || len([]rune(reason)) < 5 || len([]rune(reason)) > maxRevokeReason {
		c.say(Reply{Text: T("verifikasi.alasan_salah", "Max", maxRevokeReason)})
		return nil
	}
	cert, err := c.e.store.RevokeCertificate(c.ctx, c.st.Revoking, reason, c.actor(), c.e.now())
	if errors.Is(err, ErrNotFound) {
		c.clear()
		return c.expired()
	}
	if err != nil {
		return fmt.Errorf("revoke certificate: %w", err)
	}
	c.clear()
	c.say(Reply{Text: T("verifikasi.dicabut_ok", "Number", cert.Number, "Name", cert.Name, "Reason", cert.RevokeReason)})
	return nil
}

// siasnDate is how SIASN's riwayat kursus writes a date.
const siasnDate = "02-01-2006"

// siasnExport answers /siasn <kode> [angkatan]: a workbook of the batch's valid certificates,
// one row per completion, in the fields SIASN asks for.
func (c *conv) siasnExport() error {
	code, name := courseAndBatch(strings.Fields(c.in.Text))
	course, batches, _, ok, err := c.adminCourse(code, "siasn.cara")
	if !ok {
		return err
	}
	b, ok := batchNamed(batches, name)
	if !ok && name == "" && len(batches) == 1 {
		b, ok = batches[0], true
	}
	if !ok {
		rows := batchChoices(batches, func(b Batch) string { return cb(nsCert, "b", b.ID) })
		c.say(Reply{Text: T("siasn.pilih", "Title", course.Title), Buttons: rows})
		return nil
	}
	return c.siasnOf(course, b)
}

// siasnPick exports the batch a chooser's button names ("sf:b:<batch>").
func (c *conv) siasnPick() error {
	course, b, ok, err := c.pickedBatch()
	if !ok {
		return err
	}
	return c.siasnOf(course, b)
}

func (c *conv) siasnOf(course Course, b Batch) error {
	certs, err := c.e.store.BatchCertificates(c.ctx, b.ID)
	if err != nil {
		return fmt.Errorf("batch certificates: %w", err)
	}
	// SIASN's riwayat kursus, and the NIP that finds the ASN there; hours and year as numbers.
	rows := [][]any{{"nip", "nama", "nama_kursus", "jenis_kursus", "jumlah_jam", "tanggal_mulai",
		"tanggal_selesai", "tahun", "institusi_penyelenggara", "nomor_sertifikat"}}
	for _, cert := range certs {
		if cert.Revoked() {
			continue
		}
		z := cert.Zone()
		rows = append(rows, []any{cert.NIP, cert.Name, cert.CourseTitle, cert.Category, cert.JP,
			cert.StartsAt.In(z).Format(siasnDate), cert.EndsAt.In(z).Format(siasnDate), cert.EndsAt.In(z).Year(),
			cert.Organiser, cert.Number})
	}
	if len(rows) == 1 {
		c.say(Reply{Text: T("siasn.kosong", "Title", course.Title, "Batch", b.Name)})
		return nil
	}
	xlsx, err := document.Workbook(document.Sheet{Name: "riwayat_kursus", Rows: rows})
	if err != nil {
		return fmt.Errorf("siasn export: %w", err)
	}
	name := "siasn-" + fileSafe(course.Code+"-"+b.Name)
	if err := c.auditExport(name, len(rows)-1); err != nil {
		return err
	}
	c.say(Reply{File: &File{Name: name + ".xlsx", Content: xlsx,
		Caption: T("siasn.berkas", "Title", course.Title, "Batch", b.Name, "Count", len(rows)-1)}})
	return nil
}
