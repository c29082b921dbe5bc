package document

import (
	"bytes"
	"fmt"
	"time"

	"codeberg.org/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
)

// CertificatePage is what one certificate prints, every text already in its words: the
// caller renders them from the locale.
type CertificatePage struct {
	Agency  string // the organiser, at the top
	Heading string // "SERTIFIKAT"
	Number  string // "Nomor: ..."
	To      string // "diberikan kepada"
	Name    string
	NIP     string // "NIP ..."
	For     string // "yang telah mengikuti"
	Course  string
	Details string // the batch, dates and JP
	// Verify is printed under the QR code (the code and where to check it); URL is what the
	// QR code opens.
	Verify string
	URL    string
	// The signature block, at the bottom right: place and date, the signer's title, name and
	// NIP (optional).
	Signed, SignerTitle, SignerName, SignerNIP string
	// Background is a PNG or JPEG printed under everything, stretched to the page (an
	// agency's frame and logo); nil draws a plain double border.
	Background []byte
	// Issued is the document's creation date, so the same certificate prints the same bytes.
	Issued time.Time
}

// A4 landscape, in millimetres.
const (
	pageW, pageH = 297.0, 210.0
	qrSize       = 32.0
)

// CertificatePDF prints the page as an A4 landscape PDF. The fonts are the Go fonts
// (golang.org/x/image/font/gofont), embedded as Unicode TrueType subsets: names with
// diacritics (é, ñ, ā) print and can be copied out as they were typed.
func CertificatePDF(p CertificatePage) ([]byte, error) {
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetCatalogSort(true) // with the dates fixed, the same certificate prints the same bytes
	pdf.SetCreationDate(p.Issued)
	pdf.SetModificationDate(p.Issued)
	pdf.SetTitle(p.Heading+" "+p.Name, true)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
	pdf.AddUTF8FontFromBytes("go", "B", gobold.TTF)
	pdf.AddUTF8FontFromBytes("go", "I", goitalic.TTF)
	pdf.AddPage()

	if len(p.Background) > 0 {
		kind, err := imageType(p.Background)
		if err != nil {
			return nil, fmt.Errorf("certificate background: %w", err)
		}
		opt := fpdf.ImageOptions{ImageType: kind}
		pdf.RegisterImageOptionsReader("background", opt, bytes.NewReader(p.Background))
		pdf.ImageOptions("background", 0, 0, pageW, pageH, false, opt, 0, "")
	} else {
		pdf.SetDrawColor(30, 60, 110)
		pdf.SetLineWidth(1.2)
		pdf.Rect(8, 8, pageW-16, pageH-16, "D")
		pdf.SetLineWidth(0.3)
		pdf.Rect(11, 11, pageW-22, pageH-22, "D")
	}

	pdf.SetTextColor(20, 30, 50)
	center := func(y float64, style string, size float64, text string) float64 {
		pdf.SetFont("go", style, size)
		pdf.SetXY(25, y)
		lineH := size * 0.45
		pdf.MultiCell(pageW-50, lineH, text, "", "C", false)
		return pdf.GetY()
	}
	center(22, "B", 15, p.Agency)
	center(36, "B", 34, p.Heading)
	center(52, "", 12, p.Number)
	center(64, "I", 12, p.To)
	y := center(73, "B", 24, p.Name)
	y = center(y+1, "", 13, p.NIP)
	y = center(y+5, "I", 12, p.For)
	y = center(y+2, "B", 17, p.Course)
	center(y+2, "", 12, p.Details)

	png, err := qrcode.Encode(p.URL, qrcode.Medium, 512)
	if err != nil {
		return nil, fmt.Errorf("certificate qr: %w", err)
	}
	qr := fpdf.ImageOptions{ImageType: "PNG"}
	pdf.RegisterImageOptionsReader("qr", qr, bytes.NewReader(png))
	pdf.ImageOptions("qr", 24, pageH-24-qrSize, qrSize, qrSize, false, qr, 0, "")
	pdf.SetFont("go", "", 8)
	pdf.SetXY(24+qrSize+3, pageH-24-qrSize+8)
	pdf.MultiCell(85, 4, p.Verify, "", "L", false)

	right := 180.0
	pdf.SetFont("go", "", 11)
	pdf.SetXY(right, pageH-62)
	pdf.MultiCell(pageW-right-20, 5, p.Signed+"\n"+p.SignerTitle, "", "C", false)
	pdf.SetFont("go", "B", 12)
	pdf.SetXY(right, pageH-36)
	pdf.MultiCell(pageW-right-20, 5, p.SignerName, "", "C", false)
	if p.SignerNIP != "" {
		pdf.SetFont("go", "", 10)
		pdf.SetX(right)
		pdf.MultiCell(pageW-right-20, 5, p.SignerNIP, "", "C", false)
	}

	var out bytes.Buffer
	if err := pdf.Output(&out); err != nil {
		return nil, fmt.Errorf("certificate pdf: %w", err)
	}
	return out.Bytes(), nil
}

// imageType tells a PNG from a JPEG by its first bytes.
func imageType(b []byte) (string, error) {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "PNG", nil
	case bytes.HasPrefix(b, []byte{0xff, 0xd8, 0xff}):
		return "JPG", nil
	}
	return "", fmt.Errorf("not a PNG or JPEG image")
}

// CheckBackground reports whether b can be a certificate's background, for the operator's
// configuration to fail at start rather than at the first certificate.
func CheckBackground(b []byte) error {
	_, err := imageType(b)
	return err
}
