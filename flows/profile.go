package flows

import (
	"errors"
	"fmt"
)

const flowProfile = "profile"

// profileCard shows the saved profile with what can be done with it.
func (c *conv) profileCard(edit bool) Reply {
	return Reply{
		Edit: edit,
		Text: T("profil.kartu", "Summary", summary(draftOf(*c.p))),
		Buttons: [][]Button{
			{Btn("profil.ubah", cb(nsProfile, "edit"))},
			{Btn("profil.hapus", cb(nsProfile, "del"))},
			{homeButton()},
		},
	}
}

// showProfile answers /profil.
func (c *conv) showProfile() error {
	c.say(c.profileCard(false))
	return nil
}

// profilePage shows the profile card in place of the message whose button was pressed.
func (c *conv) profilePage() error {
	c.say(c.profileCard(true))
	return nil
}

// profileFixChooser lists the fields of a saved profile to change ("p:edit").
func (c *conv) profileFixChooser() error {
	r := c.fixChooser(nsProfile, "f", cb(nsProfile, "show"))
	r.Edit = true
	c.say(r)
	return nil
}

// startProfileEdit asks the question for one field of a saved profile ("p:f:<field>").
func (c *conv) startProfileEdit() error {
	name := c.data.arg(0)
	if !isField(name) {
		return c.expired()
	}
	c.set(State{Flow: flowProfile, Step: name, Draft: draftOf(*c.p)})
	c.say(Reply{Edit: true, Text: T("profil.memperbaiki", "Field", field(name).label())})
	c.say(c.ask(field(name), c.p.Kind))
	return nil
}

// finishEdit answers a command while a field is being changed: the question again.
func (c *conv) finishEdit() error {
	f := field(c.st.Step)
	c.say(Reply{Text: T("profil.selesaikan_ubah")})
	c.say(c.ask(f, c.st.Draft.Kind))
	return nil
}

// profileAnswer takes the new value of the field the step names and saves it at once.
func (c *conv) profileAnswer() error {
	f := field(c.st.Step)
	s, ok, err := c.answer(f)
	if err != nil || !ok {
		return err
	}
	if s.Draft.Rank == "" {
		// The new NIP is of the other kind of ASN: its rank must be chosen again.
		s.Step = string(fRank)
		c.set(s)
		c.say(c.ask(fRank, s.Draft.Kind))
		return nil
	}
	p := *c.p
	s.Draft.fill(&p)
	if err := c.e.store.SaveParticipant(c.ctx, &p); err != nil {
		if errors.Is(err, ErrNIPTaken) { // taken since it was typed
			c.offerClaim(p.NIP, false)
			return nil
		}
		return fmt.Errorf("save profile: %w", err)
	}
	c.p = &p
	c.clear()
	c.say(Reply{Text: T("profil.diperbarui")})
	c.say(c.profileCard(false))
	return nil
}
