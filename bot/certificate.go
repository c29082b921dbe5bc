package bot

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/asn"
	"github.com/bpsdm/asnbot/flows/document"
)

// CertificateStyle is how the agency's certificates look and where they are checked, from the
// environment.
type CertificateStyle struct {
	City        string // printed before the date of signing (CERT_CITY)
	SignerName  string // CERT_SIGNER_NAME
	SignerTitle string // CERT_SIGNER_TITLE
	SignerNIP   string // CERT_SIGNER_NIP, optional
	Background  []byte // CERT_BACKGROUND's image, optional
	// PublicURL is where HTTP_ADDR is reached from outside (PUBLIC_URL): the QR code opens
	// PublicURL/verifikasi/<kode>. Empty, it opens the bot itself (t.me/<bot>?start=v_<kode>),
	// which answers the same.
	PublicURL string
	Username  string
}

// Certifier prints certificates: the page's words from the locale, the PDF from
// flows/document.
type Certifier struct {
	R     *Renderer
	Style CertificateStyle
}

// VerifyURL is where a certificate's code is checked.
func (c *Certifier) VerifyURL(code string) string {
	if c.Style.PublicURL != "" {
		return strings.TrimRight(c.Style.PublicURL, "/") + "/verifikasi/" + url.PathEscape(code)
	}
	return "https://t.me/" + c.Style.Username + "?start=v_" + code
}

// PDF prints cert.
func (c *Certifier) PDF(cert flows.Certificate) ([]byte, error) {
	z := cert.Zone()
	plain := func(key string, args ...any) string {
		s, err := c.R.Plain(flows.T(key, args...))
		if err != nil {
			return ""
		}
		return s
	}
	page := document.CertificatePage{
		Agency:  strings.ToUpper(cert.Organiser),
		Heading: plain("sertifikat.pdf_judul"),
		Number:  plain("sertifikat.pdf_nomor", "Number", cert.Number),
		To:      plain("sertifikat.pdf_kepada"),
		Name:    cert.Name,
		NIP:     plain("sertifikat.pdf_nip", "NIP", asn.NIP{Digits: cert.NIP}.Formatted()),
		For:     plain("sertifikat.pdf_telah"),
		Course:  cert.CourseTitle,
		Details: plain("sertifikat.pdf_rincian", "Batch", cert.BatchName, "Start", flows.DayDate{Time: cert.StartsAt.In(z)},
			"End", flows.DayDate{Time: cert.EndsAt.In(z)}, "JP", cert.JP),
		Verify:      plain("sertifikat.pdf_verifikasi", "Code", cert.ShownCode(), "URL", c.VerifyURL(cert.Code)),
		URL:         c.VerifyURL(cert.Code),
		Signed:      plain("sertifikat.pdf_tempat_tanggal", "City", c.Style.City, "Date", flows.DayDate{Time: cert.IssuedAt.In(z)}),
		SignerTitle: c.Style.SignerTitle,
		SignerName:  c.Style.SignerName,
		Background:  c.Style.Background,
		Issued:      cert.IssuedAt,
	}
	if c.Style.SignerNIP != "" {
		page.SignerNIP = plain("sertifikat.pdf_nip_penanda", "NIP", c.Style.SignerNIP)
	}
	return document.CertificatePDF(page)
}

// certificateFile is the reply's File with the certificate printed into it.
func (s *Sender) certificateFile(rep flows.Reply) (*flows.File, error) {
	if s.Certs == nil {
		return nil, errors.New("certificates are not configured")
	}
	pdf, err := s.Certs.PDF(*rep.Certificate)
	if err != nil {
		return nil, err
	}
	if rep.File == nil {
		return nil, errors.New("a certificate without its file's name and caption")
	}
	f := *rep.File // the reply's own copy: a Reply may be sent again
	f.Content = pdf
	return &f, nil
}

// CertificateLookup is what the verification page needs of Postgres.
type CertificateLookup interface {
	CertificateByCode(ctx context.Context, code string) (flows.Certificate, error)
}

// VerifyPage serves GET /verifikasi/{code}: a small page saying whether a certificate is
// valid, for whom (the NIP masked), which course, when and how many JP; the same words as
// /verifikasi in chat.
type VerifyPage struct {
	Store CertificateLookup
	R     *Renderer
	Zone  *time.Location
	Log   *slog.Logger
}

var verifyPage = template.Must(template.New("verifikasi").Parse(`<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#1c2433}
main{white-space:pre-line;line-height:1.5;border:1px solid #d5dbe5;border-radius:.75rem;padding:1rem 1.25rem}
h1{font-size:1.2rem}small{color:#5b667a}</style></head>
<body><h1>{{.Title}}</h1><main>{{.Body}}</main><p><small>{{.Note}}</small></p></body></html>
`))

func (v *VerifyPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	typed := r.PathValue("code")
	status := http.StatusOK
	var body flows.Text
	code, ok := flows.NormalizeCertCode(typed)
	var cert flows.Certificate
	var err error
	if ok {
		cert, err = v.Store.CertificateByCode(r.Context(), code)
	}
	switch {
	case !ok || errors.Is(err, flows.ErrNotFound):
		status, body = http.StatusNotFound, flows.UnknownCertificateText(typed)
	case err != nil:
		v.Log.Error("verification", "err", err)
		status, body = http.StatusServiceUnavailable, flows.T("sistem.galat_halaman")
	default:
		body = flows.VerificationText(cert, v.Zone)
	}
	html, err := v.R.HTML(body)
	if err != nil {
		v.Log.Error("verification page", "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	title, _ := v.R.Plain(flows.T("verifikasi.halaman_judul"))
	note, _ := v.R.Plain(flows.T("verifikasi.halaman_catatan"))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(status)
	// The body is the chat's HTML: Telegram's few tags, every value escaped by the renderer.
	_ = verifyPage.Execute(w, map[string]any{"Title": title, "Body": template.HTML(html), "Note": note}) //nolint:gosec // escaped by Renderer.HTML
}
