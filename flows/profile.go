package flows

import (
	"fmt"
)

// profileCard shows the saved profile with what can be done with it.
func (c *conv) profileCard(edit bool) Reply {
	return Reply{
		Edit: edit,
		Text: T("profil.kartu", "Summary", summary(draftOf(*c.p))),
		Buttons: [][]Button{
			{Btn("profil.ubah", "p:edit")},
			{Btn("profil.hapus", "p:del")},
			{Btn("menu.kembali", "m:home")},
		},
	}
}

// startProfileEdit asks the question for one field of a saved profile.
func (c *conv) startProfileEdit(name string) {
	if !isField(name) {
		c.expired()
		return
	}
	c.set(State{Flow: flowProfile, Step: name, Draft: draftOf(*c.p)})
	c.say(Reply{Edit: true, Text: T("profil.memperbaiki", "Field", field(name).label())})
	c.say(c.ask(field(name), c.p.Kind))
}

// profileStep takes the new value of one field and saves it at once.
func (c *conv) profileStep() error {
	if !c.registered() || !isField(c.st.Step) {
		c.clear()
		return c.idle()
	}
	f := field(c.st.Step)
	if c.in.Kind == KindCommand {
		c.say(Reply{Text: T("profil.selesaikan_ubah")})
		c.say(c.ask(f, c.st.Draft.Kind))
		return nil
	}
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
		if isNIPTaken(err) {
			c.say(Reply{Text: T("profil.salah.nip_terdaftar")})
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

// askDelete asks once more before /hapusdata removes everything.
func (c *conv) askDelete() {
	c.set(State{Flow: flowDelete, Step: stepConfirm})
	c.say(Reply{
		Edit: c.callback(),
		Text: T("hapus.tanya"),
		Buttons: [][]Button{
			{Btn("hapus.ya", "del:yes")},
			{Btn("hapus.tidak", "del:no")},
		},
	})
}

func (c *conv) deleteStep() error {
	switch c.in.Data {
	case "del:yes":
		if c.registered() {
			// Whoever takes a freed seat is told by the delivery worker.
			if _, err := c.e.store.DeleteParticipant(c.ctx, c.in.UserID, c.e.now()); err != nil {
				return fmt.Errorf("delete participant: %w", err)
			}
		}
		c.p = nil
		c.clear()
		c.say(Reply{Edit: true, Text: T("hapus.selesai")})
	case "del:no":
		c.clear()
		c.say(Reply{Edit: true, Text: T("hapus.dibatalkan")})
		if c.registered() {
			c.say(c.menu())
		}
	default:
		if c.callback() {
			c.expired()
			return nil
		}
		c.say(Reply{Text: T("profil.salah.pilih_tombol")})
		c.askDelete()
	}
	return nil
}
