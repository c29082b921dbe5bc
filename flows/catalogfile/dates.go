package catalogfile

import (
	"math"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// wallClockLayouts are the ways an admin writes a date with a time: ISO as Excel exports it,
// with the Indonesian dot between hours and minutes, and day/month/year as Indonesians write.
// Go's "1" and "2" accept one or two digits, so 2027-1-5 and 05/01/2027 both read.
var wallClockLayouts = []string{
	"2006-1-2 15:04", "2006-1-2 15.04", "2006-1-2 15:04:05",
	"2/1/2006 15:04", "2/1/2006 15.04", "2/1/2006 15:04:05",
	"2-1-2006 15:04", "2-1-2006 15.04", "2-1-2006 15:04:05",
	"2006-1-2T15:04", "2006-1-2T15:04:05",
}

// dateLayouts are dates without a time.
var dateLayouts = []string{"2006-1-2", "2/1/2006", "2-1-2006"}

// date reads a required date column in loc. endOfDay says what a bare date means: the
// start of the day for a start (mulai, pendaftaran_dibuka), 23:59 for an end, so that
// "selesai 2027-01-15" includes the 15th. It returns the zero time after a problem.
func (p *parser) date(r record, name string, loc *time.Location, endOfDay bool) time.Time {
	v := r.get(name)
	var (
		t  time.Time
		ok bool
	)
	switch {
	case v.isSerial:
		t, ok = p.excelDate(v.serial, loc, endOfDay)
	case v.text == "":
		p.add(v.row, "impor.wajib_diisi", "Field", name)
		return time.Time{}
	default:
		t, ok = ParseDate(v.text, loc, endOfDay)
	}
	if !ok {
		p.add(v.row, "impor.tanggal_tidak_terbaca", "Field", name, "Value", v.text)
		return time.Time{}
	}
	return t
}

// ParseDate reads one date with or without a time, in any form a catalogue file takes (see
// wallClockLayouts), in loc; a bare date is the start of that day, or its end (23.59) with
// endOfDay.
func ParseDate(s string, loc *time.Location, endOfDay bool) (time.Time, bool) {
	s = strings.Join(strings.Fields(s), " ")
	// RFC 3339 names its own offset, which decides the instant; shown in the row's zone.
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(loc), true
	}
	for _, layout := range wallClockLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	for _, layout := range dateLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			if endOfDay {
				t = t.Add(23*time.Hour + 59*time.Minute)
			}
			return t, true
		}
	}
	return time.Time{}, false
}

// excelDate reads a real Excel date cell. Excel stores a wall-clock date and time with no
// zone, so it is the row's zone that makes it an instant. A whole number is a bare date.
func (p *parser) excelDate(serial float64, loc *time.Location, endOfDay bool) (time.Time, bool) {
	if serial < 1 || serial > 2958465 { // 2958465 is 9999-12-31, Excel's last day
		return time.Time{}, false
	}
	w, err := excelize.ExcelDateToTime(serial, p.date1904)
	if err != nil {
		return time.Time{}, false
	}
	t := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, loc)
	if endOfDay && serial == math.Trunc(serial) {
		t = t.Add(23*time.Hour + 59*time.Minute)
	}
	return t, true
}

// periodSeparators are the ways an admin writes "from … to …" between two dates.
var periodSeparators = []string{" s.d. ", " s/d ", " sd ", " sampai ", " – ", " - "}

// ParsePeriod reads two dates separated by " - ", "s.d." or "sampai", as an admin writes a
// period in chat; each in any form ParseDate takes, in loc. A bare end date means the end of
// that day.
func ParsePeriod(s string, loc *time.Location) (start, end time.Time, ok bool) {
	s = strings.Join(strings.Fields(s), " ")
	lower := asciiLower(s) // same length as s, so its indexes cut s
	for _, sep := range periodSeparators {
		if i := strings.Index(lower, sep); i >= 0 {
			start, ok1 := ParseDate(s[:i], loc, false)
			end, ok2 := ParseDate(s[i+len(sep):], loc, true)
			return start, end, ok1 && ok2
		}
	}
	return time.Time{}, time.Time{}, false
}

// asciiLower lowercases ASCII letters only, byte by byte, so the result has the same length as
// s and its indexes cut s. (strings.Map would turn each byte of broken UTF-8 into the three
// bytes of U+FFFD, and ParsePeriod cut "\xd9 - 0" out of range: FuzzParsePeriod.)
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
