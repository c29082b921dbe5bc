package flows

import (
	"fmt"
	"slices"
)

// menu is the main menu: every flow ends here, and "Kembali" leads here.
func (c *conv) menu() Reply {
	name := ""
	if c.p != nil {
		name = c.p.Name
	}
	rows := [][]Button{
		{Btn("menu.katalog", cb(nsMenu, "katalog")), Btn("menu.saya", cb(nsMenu, "saya"))},
		{Btn("menu.profil", cb(nsMenu, "profil")), Btn("menu.bantuan", cb(nsMenu, "bantuan"))},
	}
	// "Survei" only when there is one to answer: a button that leads to "nothing here" is
	// noise. When the count cannot be read the button stays; /survei then says what is wrong.
	if c.p != nil {
		if n, err := c.e.store.CountPendingSurveys(c.ctx, c.p.ID, c.e.now()); err != nil || n > 0 {
			rows = slices.Insert(rows, 1, []Button{{Label: T("menu.survei", "N", max(n, 0)), Data: cb(nsMenu, "survei")}})
		}
	}
	return Reply{Text: T("menu.judul", "Name", name), Buttons: rows}
}

// homeButton leads back to the main menu.
func homeButton() Button { return Btn("menu.kembali", cb(nsMenu, "home")) }

// showMenu answers /menu.
func (c *conv) showMenu() error {
	c.say(c.menu())
	return nil
}

// backToMenu turns the message whose button was pressed back into the main menu.
func (c *conv) backToMenu() error {
	r := c.menu()
	r.Edit = true
	c.say(r)
	return nil
}

// cancel ends any conversation and goes back to the main menu.
func (c *conv) cancel() error {
	wasBusy := c.st.Flow != ""
	c.clear()
	key := "batal.tidak_ada"
	if wasBusy {
		key = "batal.selesai"
	}
	if !c.registered() {
		// A claimant waiting for an admin's decision is reminded that it will come.
		parts, err := c.pendingClaimNote()
		if err != nil {
			return fmt.Errorf("pending claim: %w", err)
		}
		c.say(Reply{Text: T(key), Parts: append(parts, T("umum.mulai_daftar")), RemoveKeyboard: true})
		return nil
	}
	c.say(Reply{Text: T(key), RemoveKeyboard: true})
	c.say(c.menu())
	return nil
}

// help explains the bot; from a button it edits the menu in place.
func (c *conv) help(edit bool) error {
	r := Reply{Edit: edit, Text: T("bantuan.isi")}
	if role := c.role(); role != RoleNone {
		r.Parts = []Text{T("bantuan.staf", "Role", string(role))} // staff commands, to staff only
	}
	if c.registered() {
		r.Buttons = [][]Button{{homeButton()}}
	}
	c.say(r)
	return nil
}

func (c *conv) helpCommand() error  { return c.help(false) }
func (c *conv) helpFromMenu() error { return c.help(true) }

// unknownCommand answers a command the bot does not have.
func (c *conv) unknownCommand() error {
	c.say(Reply{Text: T("umum.perintah_tidak_dikenal")})
	return nil
}

// notUnderstood answers a sticker, a photo or anything else that asks nothing.
func (c *conv) notUnderstood() error {
	c.say(Reply{Text: T("umum.tidak_dipahami")})
	return nil
}

// reminderSetting shows whether reminders are on, with the button that switches them.
func (c *conv) reminderSetting(edit bool) Reply {
	r := Reply{Edit: edit, Text: T("pengingat.status_aktif", "Schedule", ReminderSchedule(c.e.rules)),
		Buttons: [][]Button{{Btn("pengingat.matikan", cb(nsReminders, "off"))}}}
	if c.p.RemindersOff {
		r.Text, r.Buttons = T("pengingat.status_mati"), [][]Button{{Btn("pengingat.nyalakan", cb(nsReminders, "on"))}}
	}
	r.Buttons = append(r.Buttons, []Button{homeButton()})
	return r
}

// showReminderSetting answers /pengingat.
func (c *conv) showReminderSetting() error {
	c.say(c.reminderSetting(false))
	return nil
}

// switchReminders turns reminders on ("r:on") or off ("r:off").
func (c *conv) switchReminders() error {
	on := c.data.action == "on"
	if err := c.e.store.SetReminders(c.ctx, c.in.UserID, on); err != nil {
		return fmt.Errorf("set reminders: %w", err)
	}
	c.p.RemindersOff = !on
	c.say(c.reminderSetting(true))
	return nil
}
