package flows

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

const (
	flowOnboarding = "onboarding"

	stepConsent = "consent"
	stepConfirm = "confirm"
	stepFix     = "fix"

	backSummary = "summary"
)

// start answers /start: a registered user gets the main menu, a new one the welcome and the
// consent notice. It always works, whatever the chat was doing.
func (c *conv) start() error {
	if code, ok := strings.CutPrefix(c.in.Text, "v_"); ok {
		return c.verify(code) // a certificate's QR without PUBLIC_URL: t.me/<bot>?start=v_<kode>
	}
	if code, ok := strings.CutPrefix(c.in.Text, "adm_"); ok && code != "" {
		return c.acceptInvite(code) // an invitation to staff: t.me/<bot>?start=adm_<code>
	}
	if code, ok := strings.CutPrefix(c.in.Text, "h_"); ok {
		// The check-in QR: t.me/<bot>?start=h_<code>.
		if !c.registered() {
			return c.askToRegister()
		}
		if code, ok := attendanceCode(code); ok {
			c.clear()
			return c.checkIn(code)
		}
	}
	then := ""
	if code, ok := strings.CutPrefix(c.in.Text, "c_"); ok && code != "" {
		then = "c:" + code // a deep link to a course: t.me/<bot>?start=c_<kode>
		if !c.registered() {
			// Browsing needs no profile: the course comes first, and the consent and the
			// profile only when the person taps "Daftar" (needProfile).
			c.clear()
			return c.courseDetail(code, false)
		}
	}
	if c.registered() {
		c.clear()
		if c.incomplete() {
			err := c.completeProfile()
			if then != "" && c.st.Flow == flowOnboarding {
				s := c.st
				s.Then = then // the deep link's course once the profile is complete
				c.set(s)
			}
			return err
		}
		if then != "" {
			return c.continueTo(then)
		}
		c.say(Reply{Text: T("start.kembali", "Name", c.p.Name), RemoveKeyboard: true})
		c.say(c.menu())
		return nil
	}
	c.set(State{Flow: flowOnboarding, Step: stepConsent, Then: then})
	c.say(Reply{Text: T("start.selamat_datang"), RemoveKeyboard: true})
	c.say(consentQuestion())
	return nil
}

func consentQuestion() Reply {
	return Reply{
		Text:    T("persetujuan.isi"),
		Buttons: [][]Button{{Btn("persetujuan.setuju", cb(nsOnboarding, "agree")), Btn("persetujuan.tolak", cb(nsOnboarding, "decline"))}},
	}
}

// draftAnswer reports whether the input looks like the continuation of a registration: an
// answer typed or shared, or a button of its questions. Commands and the catalogue's buttons
// work as usual.
func (c *conv) draftAnswer() bool {
	switch c.in.Kind {
	case KindCommand:
		return false
	case KindCallback:
		return c.data.ns == nsOnboarding || c.data.ns == nsRank
	}
	return true
}

// draftEnded tells a user whose registration draft expired unfinished that it did, instead of
// taking their answer for something else (a NIP for a search, a rank button for an old one),
// and offers to start again. It is said once: the draft's mark goes.
func (c *conv) draftEnded() error {
	c.clear()
	r := Reply{Text: T("daftar.sesi_berakhir", "Days", int(DraftLifetime/(24*time.Hour))),
		Buttons: [][]Button{{Btn("daftar.mulai_lagi", cb(nsOnboarding, "restart"))}}}
	if c.callback() {
		c.toast(T("daftar.sesi_berakhir_singkat"))
	}
	c.say(r)
	return nil
}

// finishFirst answers a command in the middle of registration: the question again.
func (c *conv) finishFirst() error {
	c.say(Reply{Text: T("daftar.selesaikan_dulu")})
	c.reask()
	return nil
}

// restartOnboarding starts registration over from a step it does not know (a state from a
// newer or broken version).
func (c *conv) restartOnboarding() error {
	c.clear()
	return c.start()
}

// fieldAnswer takes the answer to the profile question the step names.
func (c *conv) fieldAnswer() error { return c.fieldStep(field(c.st.Step)) }

// reask repeats the current question, for a user who answered something else.
func (c *conv) reask() {
	switch c.st.Step {
	case stepConsent:
		c.say(consentQuestion())
	case stepConfirm:
		c.say(c.summaryQuestion())
	case stepFix:
		c.say(c.fixChooser(nsOnboarding, "fix", cb(nsOnboarding, "back")))
	default:
		if isField(c.st.Step) {
			c.say(c.ask(field(c.st.Step), c.st.Draft.Kind))
		}
	}
}

func (c *conv) consentStep() error {
	switch {
	case c.pressed(nsOnboarding, "agree"):
		s := c.st
		s.Draft.ConsentAt = c.e.now().UTC()
		s.Step = string(fName)
		c.set(s)
		c.say(Reply{Edit: true, Text: T("persetujuan.diterima")})
		c.say(c.ask(fName, ""))
	case c.pressed(nsOnboarding, "decline"):
		c.clear()
		c.say(Reply{Edit: true, Text: T("persetujuan.ditolak")})
	case c.callback():
		return c.expired()
	default:
		c.say(Reply{Text: T("profil.salah.pilih_tombol")})
		c.say(consentQuestion())
	}
	return nil
}

// fieldStep takes the answer to a profile question and moves to the next one.
func (c *conv) fieldStep(f field) error {
	s, ok, err := c.answer(f)
	if err != nil || !ok {
		return err
	}
	next := nextStep(f, s)
	s.Step = next
	c.set(s)
	if next == stepConfirm {
		c.say(c.summaryQuestion())
		return nil
	}
	c.say(c.ask(field(next), s.Draft.Kind))
	return nil
}

// acknowledge closes a question answered with a button (its keyboard goes away, the choice
// stays visible) or with the contact keyboard (which must be removed explicitly).
func (c *conv) acknowledge(f field, d Draft) {
	switch f {
	case fRank:
		c.say(Reply{Edit: true, Text: T("profil.dipilih", "Field", f.label(), "Value", fieldValue(f, d))})
	case fPhone:
		c.say(Reply{Text: T("profil.dipilih", "Field", f.label(), "Value", fieldValue(f, d)), RemoveKeyboard: true})
	}
}

// nextStep is the step after f: the next question, or back to the summary when correcting.
// A corrected NIP that turns a PNS into a PPPK (or back) also needs a new rank.
func nextStep(f field, s State) string {
	if s.Back == backMissing { // completing a saved profile: only what it lacks
		if g, missing := missingField(s.Draft); missing {
			return string(g)
		}
		return stepConfirm
	}
	if s.Back == backSummary {
		if s.Draft.Rank == "" {
			return string(fRank)
		}
		return stepConfirm
	}
	if i := indexOf(f); i+1 < len(profileFields) {
		return string(profileFields[i+1])
	}
	return stepConfirm
}

func indexOf(f field) int {
	for i, g := range profileFields {
		if g == f {
			return i
		}
	}
	return -1
}

func (c *conv) summaryQuestion() Reply {
	return Reply{
		Text: T("daftar.konfirmasi", "Summary", summary(c.st.Draft)),
		Buttons: [][]Button{
			{Btn("daftar.simpan", cb(nsOnboarding, "save"))},
			{Btn("daftar.perbaiki", cb(nsOnboarding, "fix"))},
		},
	}
}

// fixChooser lists the fields to correct: each button is ns:action:<field>.
func (c *conv) fixChooser(ns, action, back string) Reply {
	var rows [][]Button
	for i, f := range profileFields {
		if i%2 == 0 {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], Button{Label: f.label(), Data: cb(ns, action, string(f))})
	}
	rows = append(rows, []Button{Btn("umum.kembali", back)})
	return Reply{Text: T("profil.pilih_kolom"), Buttons: rows}
}

func (c *conv) confirmStep() error {
	switch {
	case c.pressed(nsOnboarding, "save"):
		return c.saveDraft()
	case c.pressed(nsOnboarding, "fix") && c.data.args == "":
		s := c.st
		s.Step = stepFix
		c.set(s)
		r := c.fixChooser(nsOnboarding, "fix", cb(nsOnboarding, "back"))
		r.Edit = true
		c.say(r)
		return nil
	case c.callback():
		return c.expired()
	}
	c.say(Reply{Text: T("profil.salah.pilih_tombol")})
	c.say(c.summaryQuestion())
	return nil
}

func (c *conv) fixStep() error {
	if c.pressed(nsOnboarding, "back") {
		s := c.st
		s.Step = stepConfirm
		c.set(s)
		r := c.summaryQuestion()
		r.Edit = true
		c.say(r)
		return nil
	}
	name := c.data.arg(0)
	if !c.pressed(nsOnboarding, "fix") || !isField(name) {
		if c.callback() {
			return c.expired()
		}
		c.say(Reply{Text: T("profil.salah.pilih_tombol")})
		c.say(c.fixChooser(nsOnboarding, "fix", cb(nsOnboarding, "back")))
		return nil
	}
	s := c.st
	s.Step, s.Back = name, backSummary
	c.set(s)
	c.say(Reply{Edit: true, Text: T("profil.memperbaiki", "Field", field(name).label())})
	c.say(c.ask(field(name), s.Draft.Kind))
	return nil
}

// saveDraft stores the finished profile; a NIP claimed by someone else in the meantime sends
// the user back to the NIP question.
func (c *conv) saveDraft() error {
	p := Participant{TelegramID: c.in.UserID, ChatID: c.in.ChatID}
	c.st.Draft.fill(&p)
	err := c.e.store.SaveParticipant(c.ctx, &p)
	if errors.Is(err, ErrNIPTaken) {
		s := c.st
		s.Step, s.Back = string(fNIP), backSummary
		c.set(s)
		c.offerClaim(s.Draft.NIP, true)
		c.say(c.ask(fNIP, s.Draft.Kind))
		return nil
	}
	if err != nil {
		return fmt.Errorf("save participant: %w", err)
	}
	c.p = &p
	then := c.st.Then
	c.clear()
	c.say(Reply{Edit: true, Text: T("daftar.tersimpan", "Summary", summary(draftOf(p)))})
	if then != "" {
		return c.continueTo(then)
	}
	c.say(c.menu())
	return nil
}

// continueTo opens what a deep link or an interrupted enrolment pointed at: a course page
// ("c:<kode>") or the confirmation of the batch the person chose before registering
// ("b:<batch>"), so the tap on "Daftar" is not asked for twice.
func (c *conv) continueTo(then string) error {
	if code, ok := strings.CutPrefix(then, "c:"); ok {
		return c.courseDetail(code, false)
	}
	if id, ok := strings.CutPrefix(then, "b:"); ok {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil {
			return c.askEnrol(n, false)
		}
	}
	c.say(c.menu())
	return nil
}
