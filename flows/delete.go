package flows

import "fmt"

const flowDelete = "delete"

// askDelete asks once more before /hapusdata removes everything. Someone not registered has
// data with us only if they filed a NIP claim; anyone else is asked to register.
func (c *conv) askDelete() error {
	if !c.registered() {
		claimed, err := c.e.store.HasClaims(c.ctx, c.in.UserID, false)
		if err != nil {
			return fmt.Errorf("claims filed: %w", err)
		}
		if !claimed {
			return c.askToRegister()
		}
	}
	c.set(State{Flow: flowDelete, Step: stepConfirm})
	c.say(Reply{
		Edit: c.callback(),
		Text: T("hapus.tanya"),
		Buttons: [][]Button{
			{Btn("hapus.ya", cb(nsDelete, "yes"))},
			{Btn("hapus.tidak", cb(nsDelete, "no"))},
		},
	})
	return nil
}

// deleteStep takes the answer to askDelete.
func (c *conv) deleteStep() error {
	switch {
	case c.pressed(nsDelete, "yes"):
		// Whoever takes a freed seat is told by a notice written with the deletion. Someone
		// not registered may have filed NIP claims: they go too.
		if _, err := c.e.store.DeleteParticipant(c.ctx, c.in.UserID, c.e.now()); err != nil {
			return fmt.Errorf("delete participant: %w", err)
		}
		c.p = nil
		c.clear()
		c.say(Reply{Edit: true, Text: T("hapus.selesai")})
	case c.pressed(nsDelete, "no"):
		c.clear()
		c.say(Reply{Edit: true, Text: T("hapus.dibatalkan")})
		if c.registered() {
			c.say(c.menu())
		}
	case c.callback():
		return c.expired()
	default:
		c.say(Reply{Text: T("profil.salah.pilih_tombol")})
		return c.askDelete()
	}
	return nil
}
