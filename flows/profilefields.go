package flows

import (
	"errors"
	"fmt"
	"slices"
	"unicode"

	"github.com/bpsdm/asnbot/flows/asn"
)

// field is one item of the profile, asked one question at a time.
type field string

const (
	fName     field = "name"
	fNIP      field = "nip"
	fAgency   field = "agency"
	fUnit     field = "unit"
	fPosition field = "position"
	fRank     field = "rank"
	fPhone    field = "phone"
)

// profileFields is the order onboarding asks in, and the order of the correction menu.
var profileFields = []field{fName, fNIP, fAgency, fUnit, fPosition, fRank, fPhone}

func isField(s string) bool {
	for _, f := range profileFields {
		if string(f) == s {
			return true
		}
	}
	return false
}

// label is the field's name as shown on buttons and in summaries.
func (f field) label() Text { return T("profil.kolom." + string(f)) }

// ask is the question for f. kind picks the rank list.
func (c *conv) ask(f field, kind asn.Kind) Reply {
	// The count ("3/7 · ") belongs to the first pass of onboarding only: a field changed
	// later, fixed from the summary or completed after a NIP claim is one question, not the
	// third of seven.
	step := 0
	if c.st.Flow == flowOnboarding && c.st.Back == "" {
		step = indexOf(f) + 1
	}
	r := Reply{Text: T("profil.tanya."+string(f), "Step", step, "Steps", len(profileFields), "Kind", string(kind))}
	switch f {
	case fRank:
		r.Buttons = rankButtons(kind)
	case fPhone:
		r.Keyboard = [][]KeyboardButton{{{Label: T("profil.tombol_bagikan_nomor"), RequestContact: true}}}
	}
	return r
}

// rankButtons are the rank question's buttons. A PPPK picks the numeral alone, four to a row;
// a PNS first the group (I–IV, "r:G:<group>"), then the grade with its pangkat, one per row
// (rankGrades): seventeen "III/b – Penata Muda Tingkat I" would not fit a phone.
func rankButtons(kind asn.Kind) [][]Button {
	if kind == asn.PNS {
		row := make([]Button, 0, len(asn.Groups))
		for _, g := range asn.Groups {
			row = append(row, Button{Label: Raw(g), Data: cb(nsRank, rankGroup, g)})
		}
		return [][]Button{row}
	}
	const perRow = 4 // "IX": a numeral alone fits four to a row
	var rows [][]Button
	for i, r := range asn.Ranks(kind) {
		if i%perRow == 0 {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], Button{Label: Raw(rankValue(r)), Data: cb(nsRank, r.Code)})
	}
	return rows
}

// rankGroup is the action of a PNS group's button; no rank has it as its code.
const rankGroup = "G"

// rankGrades is the second step of a PNS rank: the grades of a group, one per row, and the way
// back to the groups ("r:G" without a group).
func rankGrades(group string) [][]Button {
	var rows [][]Button
	for _, r := range asn.InGroup(group) {
		rows = append(rows, []Button{{Label: Raw(r.ShortLabel()), Data: cb(nsRank, r.Code)}})
	}
	return append(rows, []Button{Btn("umum.kembali", cb(nsRank, rankGroup))})
}

// rankStep answers a group's button, or the way back to the groups, by turning the question
// into the next list in place. It is not an answer: the step stays.
func (c *conv) rankStep() {
	r := c.ask(fRank, c.st.Draft.Kind)
	r.Edit = true
	if group := c.data.arg(0); slices.Contains(asn.Groups, group) && c.st.Draft.Kind == asn.PNS {
		r.Text = T("profil.tanya_pangkat", "Group", group)
		r.Buttons = rankGrades(group)
	}
	c.say(r)
}

// rankValue is a rank where the word "Golongan" already stands before it (the question, the
// field's label): a PPPK's numeral alone, so that it does not read "Golongan: Golongan IX".
func rankValue(r asn.Rank) string {
	if r.Kind == asn.PPPK {
		return r.Code
	}
	return r.Label()
}

// answer takes the input as the answer to f. When it is accepted, ok is true and s is the
// state with the draft updated; otherwise the user has been told what is wrong (or, for an
// old button, answered with a notice) and nothing changed.
func (c *conv) answer(f field) (s State, ok bool, err error) {
	if c.callback() && (c.data.ns != nsRank || f != fRank) { // a rank button at another question is an old one
		return s, false, c.expired()
	}
	if f == fRank && c.pressed(nsRank, rankGroup) {
		c.rankStep()
		return s, false, nil
	}
	s = c.st
	prob, err := c.accept(f, &s.Draft)
	if err != nil || prob == nil {
		if err == nil {
			c.acknowledge(f, s.Draft)
		}
		return s, err == nil, err
	}
	if c.callback() {
		c.toast(*prob)
		return s, false, nil
	}
	if c.takenNIP != "" {
		c.offerClaim(c.takenNIP, false)
		return s, false, nil
	}
	c.say(Reply{Text: *prob})
	if f.usesButtons() {
		c.say(c.ask(f, s.Draft.Kind))
	}
	return s, false, nil
}

// usesButtons tells whether f is answered with a button, so a typed answer re-shows them.
func (f field) usesButtons() bool { return f == fRank }

// accept validates the input as an answer to f and writes it into d. A nil Text and nil error
// mean accepted; a Text is a friendly problem to show, with nothing changed.
func (c *conv) accept(f field, d *Draft) (*Text, error) {
	in := c.in
	if f == fRank && in.Kind == KindText {
		r, err := asn.ParseRank(in.Text, d.Kind)
		typed := cutRunes(collapseSpaces(in.Text), 20)
		switch {
		case errors.Is(err, asn.ErrRankPNS):
			return ptr(T("profil.salah.golongan_huruf", "Text", typed)), nil
		case errors.Is(err, asn.ErrRankPPPK):
			return ptr(T("profil.salah.golongan_pppk", "Text", typed)), nil
		case err != nil:
			return ptr(T("profil.salah.golongan", "Text", typed, "PNS", d.Kind == asn.PNS)), nil
		}
		d.Rank = r.Code
		return nil, nil
	}
	if f == fRank {
		if in.Kind != KindCallback || c.data.ns != nsRank {
			return ptr(T("profil.salah.pilih_tombol")), nil
		}
		r, found := asn.RankByCode(c.data.action)
		found = found && c.data.args == ""
		if !found || r.Kind != d.Kind {
			return ptr(T("tombol.kedaluwarsa")), nil
		}
		d.Rank = r.Code
		return nil, nil
	}
	if f == fPhone {
		return c.acceptPhone(d)
	}
	if in.Kind != KindText {
		return ptr(T("profil.salah.harus_teks")), nil
	}
	text := collapseSpaces(in.Text)
	switch f {
	case fName:
		if p := checkName(text); p != nil {
			return p, nil
		}
		d.Name = text
	case fNIP:
		nip, prob := asn.ParseNIP(text, c.e.now())
		if prob != nil {
			return &Text{Key: prob.Key, Args: prob.Args}, nil
		}
		owner, err := c.e.store.NIPOwner(c.ctx, nip.Digits)
		switch {
		case err == nil && owner != in.UserID:
			c.takenNIP = nip.Digits // answered with the offer to claim it
			return ptr(T("profil.salah.nip_terdaftar")), nil
		case err != nil && !errors.Is(err, ErrNotFound):
			return nil, fmt.Errorf("nip owner: %w", err)
		}
		if d.Kind != nip.Kind {
			d.Rank = "" // a PNS rank means nothing for a PPPK and back
		}
		d.NIP, d.Kind, d.ClaimNIP = nip.Digits, nip.Kind, ""
	case fAgency, fUnit, fPosition:
		if p := checkFreeText(text); p != nil {
			return p, nil
		}
		switch f {
		case fAgency:
			d.Agency = text
		case fUnit:
			d.Unit = text
		default:
			d.Position = text
		}
	}
	return nil, nil
}

func (c *conv) acceptPhone(d *Draft) (*Text, error) {
	in := c.in
	var raw string
	switch {
	case in.Kind == KindContact && in.Contact != nil:
		if in.Contact.UserID != in.UserID {
			return ptr(T("profil.salah.kontak_orang_lain")), nil
		}
		raw = in.Contact.Phone
	case in.Kind == KindText:
		raw = in.Text
	default:
		return ptr(T("profil.salah.nomor_cara")), nil
	}
	phone, prob := asn.NormalizePhone(raw)
	if prob != nil {
		return &Text{Key: prob.Key, Args: prob.Args}, nil
	}
	d.Phone = phone
	return nil, nil
}

const (
	minText = 2
	maxText = 150
)

// checkName accepts names with academic titles ("Dr. Ir. Siti Aminah, M.Si.") but no digits
// or symbols, which are almost always a slip of the finger.
func checkName(s string) *Text {
	n := len([]rune(s))
	if n < 3 || n > 100 {
		return ptr(T("profil.salah.nama_panjang"))
	}
	letters := 0
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letters++
		case r == ' ' || r == '.' || r == ',' || r == '\'' || r == '-' || r == '`' || r == '’':
		default:
			return ptr(T("profil.salah.nama_karakter", "Char", string(r)))
		}
	}
	if letters < 2 {
		return ptr(T("profil.salah.nama_karakter"))
	}
	return nil
}

func checkFreeText(s string) *Text {
	n := len([]rune(s))
	if n < minText || n > maxText {
		return ptr(T("profil.salah.teks_panjang", "Min", minText, "Max", maxText))
	}
	for _, r := range s {
		if unicode.IsLetter(r) {
			return nil
		}
	}
	return ptr(T("profil.salah.teks_huruf"))
}

// fieldValue is f's value in d as shown in a summary.
func fieldValue(f field, d Draft) string {
	switch f {
	case fName:
		return d.Name
	case fNIP:
		return formatNIP(d.NIP)
	case fAgency:
		return d.Agency
	case fUnit:
		return d.Unit
	case fPosition:
		return d.Position
	case fRank:
		if r, ok := asn.RankByCode(d.Rank); ok {
			return rankValue(r)
		}
		return d.Rank
	case fPhone:
		return asn.FormatPhone(d.Phone)
	}
	return ""
}

// formatNIP writes 18 digits the way they are printed on a civil servant's card.
func formatNIP(d string) string {
	if len(d) != 18 {
		return d
	}
	return d[:8] + " " + d[8:14] + " " + d[14:15] + " " + d[15:]
}

// summary is the profile as a list of "label: value" lines.
func summary(d Draft) Text {
	args := make([]any, 0, 2*len(profileFields))
	for _, f := range profileFields {
		args = append(args, string(f), fieldValue(f, d))
	}
	return T("profil.ringkasan", args...)
}

// draftOf copies a saved profile into a draft, to edit it.
func draftOf(p Participant) Draft {
	return Draft{Name: p.Name, NIP: p.NIP, Kind: p.Kind, Agency: p.Agency, Unit: p.Unit,
		Position: p.Position, Rank: p.Rank, Phone: p.Phone, ConsentAt: p.ConsentAt}
}

// fill writes a draft into a participant.
func (d Draft) fill(p *Participant) {
	p.Name, p.NIP, p.Kind, p.Agency, p.Unit = d.Name, d.NIP, d.Kind, d.Agency, d.Unit
	p.Position, p.Rank, p.Phone = d.Position, d.Rank, d.Phone
	if p.ConsentAt.IsZero() {
		p.ConsentAt = d.ConsentAt
	}
}
