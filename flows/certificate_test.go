package flows

import (
	"strings"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/flows/asn"
)

func TestCertificateNumbers(t *testing.T) {
	b := Batch{Name: "Angkatan XII", EndsAt: time.Date(2026, 12, 31, 17, 30, 0, 0, time.UTC), TimeZone: "Asia/Jayapura"}
	c := Course{Code: "MAN-ASN"}
	// The batch ends on 1 January 2027 in WIT: that is its year.
	if got := CertNumber(CertScope(DefaultCertNumberFormat, c, b), 7); got != "MAN-ASN/XII/007/2027" {
		t.Errorf("default format: %s", got)
	}
	if got := CertNumber(CertScope("800/{urut}/BPSDM/{bulan}/{tahun}", c, b), 1234); got != "800/1234/BPSDM/01/2027" {
		t.Errorf("agency format: %s", got)
	}
	for f, bad := range map[string]bool{DefaultCertNumberFormat: false, "{kode}/{tahun}": true, "{kode}/{urut}/{nomor}": true,
		"SRT/{urut}": false, strings.Repeat("x", 130) + "{urut}": true} {
		if err := CheckCertNumberFormat(f); (err != nil) != bad {
			t.Errorf("%q: %v", f, err)
		}
	}
}

func TestCertificateCodes(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		c, err := NewCertCode()
		if err != nil || len(c) != certCodeLen || strings.ContainsAny(c, "ILOU") || seen[c] {
			t.Fatalf("code %q %v", c, err)
		}
		seen[c] = true
		if got, ok := NormalizeCertCode(strings.ToLower(c[:5] + " - " + c[5:])); !ok || got != c {
			t.Fatalf("%q read back as %q %v", c, got, ok)
		}
	}
	// Letters read from paper as the digits they look like; what cannot be a code is refused.
	if got, ok := NormalizeCertCode("oi1l2-34567"); !ok || got != "0111234567" {
		t.Errorf("look-alikes: %q %v", got, ok)
	}
	for _, bad := range []string{"", "ABCDE", "ABCDE-FGHJK-M", "ABCDE-FGHJU", "<script>", "ABCDEFGHJ!"} {
		if got, ok := NormalizeCertCode(bad); ok {
			t.Errorf("%q taken as %q", bad, got)
		}
	}
	if got := (Certificate{Code: "K7Q29XRM4T"}).ShownCode(); got != "K7Q29-XRM4T" {
		t.Errorf("shown %q", got)
	}
}

func TestPublicNIP(t *testing.T) {
	nip := "198609262015051001"
	got := PublicNIP(nip)
	if got != "1986***********001" || len(got) != len(nip) {
		t.Errorf("public NIP %q", got)
	}
	if strings.Contains(got, "0926") || strings.Contains(got, asn.MaskNIP(nip)[:8]) {
		t.Errorf("the birth date shows: %q", got)
	}
}

func TestParseDateRange(t *testing.T) {
	day := func(m time.Month, d int) string {
		return time.Date(2026, m, d, 0, 0, 0, 0, asn.WIB).Format(time.DateOnly)
	}
	for in, want := range map[string]string{
		"12/08/2026":                  day(8, 12) + " " + day(8, 12),
		"12-08-2026":                  day(8, 12) + " " + day(8, 12),
		"2026-08-12":                  day(8, 12) + " " + day(8, 12),
		"12 Agustus 2026":             day(8, 12) + " " + day(8, 12),
		"12-14 Agustus 2026":          day(8, 12) + " " + day(8, 14),
		"12 s.d. 14 agustus 2026":     day(8, 12) + " " + day(8, 14),
		"tanggal 3 sampai 5 Okt 2026": day(10, 3) + " " + day(10, 5),
		"30 Juli - 2 Agustus 2026":    day(7, 30) + " " + day(8, 2),
		"30/07/2026 – 02/08/2026":     day(7, 30) + " " + day(8, 2),
	} {
		s, e, ok := ParseDateRange(in, asn.WIB)
		if got := s.Format(time.DateOnly) + " " + e.Format(time.DateOnly); !ok || got != want {
			t.Errorf("%q: %s %v, want %s", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "kemarin", "32/13/2026", "31 April 2026", "14-12 Agustus 2026", "12 Agustus", "1/1/2025 - 1/6/2026", "12 Agu 26"} {
		if s, e, ok := ParseDateRange(bad, asn.WIB); ok {
			t.Errorf("%q read as %s – %s", bad, s, e)
		}
	}
}
