package locales

import (
	"fmt"
	"time"
)

// zoneNames gives the Indonesian abbreviation of the three national time zones; a location
// outside them falls back to its UTC offset, written the Indonesian way.
var zoneNames = map[int]string{7 * 3600: "WIB", 8 * 3600: "WITA", 9 * 3600: "WIT"}

// ZoneName returns WIB, WITA or WIT for t's offset, or "UTC+h" otherwise.
func ZoneName(t time.Time) string {
	_, off := t.Zone()
	if n, ok := zoneNames[off]; ok {
		return n
	}
	return fmt.Sprintf("UTC%+d", off/3600)
}

// DayName is the Indonesian name of t's weekday.
func (c *Texts) DayName(t time.Time) string {
	s, _ := c.Plain(fmt.Sprintf("tanggal.hari.h%d", int(t.Weekday())), nil)
	return s
}

// MonthName is the Indonesian name of t's month.
func (c *Texts) MonthName(t time.Time) string {
	s, _ := c.Plain(fmt.Sprintf("tanggal.bulan.b%d", int(t.Month())), nil)
	return s
}

// Date writes t as "Senin, 12 Januari 2027" in t's own location.
func (c *Texts) Date(t time.Time) string {
	return fmt.Sprintf("%s, %d %s %d", c.DayName(t), t.Day(), c.MonthName(t), t.Year())
}

// DayDate writes t as "12 Januari 2027", without the weekday: a certificate's dates.
func (c *Texts) DayDate(t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), c.MonthName(t), t.Year())
}

// ShortDate writes t as "22 Des 2026", for a button where a whole date does not fit.
func (c *Texts) ShortDate(t time.Time) string {
	m, _ := c.Plain(fmt.Sprintf("tanggal.bulan_singkat.b%d", int(t.Month())), nil)
	return fmt.Sprintf("%d %s %d", t.Day(), m, t.Year())
}

// DateTime writes t as "Senin, 12 Januari 2027 pukul 08.00 WIB" in t's own location: the
// caller chooses the zone (the batch's, or the agency's) with t.In.
func (c *Texts) DateTime(t time.Time) string {
	s, _ := c.Plain("tanggal.pukul", map[string]any{
		"Date": c.Date(t), "Time": fmt.Sprintf("%02d.%02d", t.Hour(), t.Minute()), "Zone": ZoneName(t),
	})
	return s
}
