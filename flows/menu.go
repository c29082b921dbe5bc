package flows

import (
	"errors"
	"fmt"
	"strings"
)

// menu is the main menu: every flow ends here, and "Kembali" leads here.
func (c *conv) menu() Reply {
	name := ""
	if c.p != nil {
		name = c.p.Name
	}
	return Reply{
		Text: T("menu.judul", "Name", name),
		Buttons: [][]Button{
			{Btn("menu.katalog", "m:katalog"), Btn("menu.saya", "m:saya")},
			{Btn("menu.survei", "m:survei"), Btn("menu.profil", "m:profil")},
			{Btn("menu.bantuan", "m:bantuan")},
		},
	}
}

// help explains the bot; from a button it edits the menu in place.
func (c *conv) help(edit bool) {
	r := Reply{Edit: edit, Text: T("bantuan.isi")}
	if c.registered() {
		r.Buttons = [][]Button{{Btn("menu.kembali", "m:home")}}
	}
	c.say(r)
}

// idleCallback handles a button pressed while no conversation is going on: the menu, the
// profile card, or an old button from a conversation that has ended.
func (c *conv) idleCallback() error {
	data := c.in.Data
	if strings.HasPrefix(data, "k:") {
		return c.catalogCallback() // browsing needs no profile; enrolling asks for one
	}
	if !c.registered() {
		c.toast(T("umum.belum_terdaftar_singkat"))
		return nil
	}
	switch {
	case data == "m:katalog":
		return c.catalogPage(listView{}, true)
	case data == "m:saya" || strings.HasPrefix(data, "s:"):
		if data == "m:saya" {
			return c.myTrainings(true)
		}
		return c.myCallback()
	case data == "m:home":
		r := c.menu()
		r.Edit = true
		c.say(r)
	case data == "m:profil" || data == "p:show":
		c.say(c.profileCard(true))
	case data == "m:bantuan":
		c.help(true)
	case data == "m:survei":
		c.say(Reply{Edit: true, Text: T("survei.kosong"), Buttons: [][]Button{{Btn("menu.kembali", "m:home")}}})
	case data == "p:edit":
		r := c.fixChooser("p:f:", "p:show")
		r.Edit = true
		c.say(r)
	case strings.HasPrefix(data, "p:f:"):
		c.startProfileEdit(strings.TrimPrefix(data, "p:f:"))
	case data == "p:del":
		c.askDelete()
	case data == "r:on" || data == "r:off":
		on := data == "r:on"
		if err := c.e.store.SetReminders(c.ctx, c.in.UserID, on); err != nil {
			return fmt.Errorf("set reminders: %w", err)
		}
		c.p.RemindersOff = !on
		c.say(c.reminderSetting(true))
	default:
		c.expired()
	}
	return nil
}

func isNIPTaken(err error) bool { return errors.Is(err, ErrNIPTaken) }

// reminderSetting shows whether reminders are on, with the button that switches them.
func (c *conv) reminderSetting(edit bool) Reply {
	r := Reply{Edit: edit, Text: T("pengingat.status_aktif", "Schedule", ReminderSchedule(c.e.rules)), Buttons: [][]Button{{Btn("pengingat.matikan", "r:off")}}}
	if c.p.RemindersOff {
		r.Text, r.Buttons = T("pengingat.status_mati"), [][]Button{{Btn("pengingat.nyalakan", "r:on")}}
	}
	r.Buttons = append(r.Buttons, []Button{Btn("menu.kembali", "m:home")})
	return r
}
