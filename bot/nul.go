package bot

import (
	"strings"

	"github.com/bpsdm/asnbot/flows"
)

// withoutNUL drops NUL characters from everything a user can type or forge in an update (text,
// caption, button data, names, a contact's number, a file's name). PostgreSQL cannot store or
// compare NUL in text: before this, a search such as "abc\x00" failed its query with
// SQLSTATE 22021 as a fault, and the pipeline tried the update again for up to a day, the
// user's chat stuck behind it (found by TestFaultBadInputAtVolume). NUL is invisible, so
// nothing the user meant is lost.
func withoutNUL(in flows.Input) flows.Input {
	clean := func(s *string) {
		if strings.IndexByte(*s, 0) >= 0 {
			*s = strings.ReplaceAll(*s, "\x00", "")
		}
	}
	clean(&in.FirstName)
	clean(&in.Username)
	clean(&in.Text)
	clean(&in.Command)
	clean(&in.Data)
	clean(&in.HTML)
	if in.Contact != nil {
		c := *in.Contact
		clean(&c.Phone)
		in.Contact = &c
	}
	if in.Document != nil {
		d := *in.Document
		clean(&d.Name)
		clean(&d.FileID)
		in.Document = &d
	}
	if in.Forward != nil {
		f := *in.Forward
		clean(&f.Name)
		in.Forward = &f
	}
	return in
}
