package flows

import (
	"strconv"
	"strings"
)

// Callback data. Every inline button carries "<namespace>:<action>[:<argument>]...": the
// namespace names the conversation the button belongs to, the action what it does there, and
// the arguments the record it acts on. Data is short and stateless, so a button still works
// after a restart and on another replica; old or forged data finds no route, or an argument
// that does not parse, and gets a polite "this button has expired", never a crash. Telegram
// allows 64 bytes.

// Namespaces of callback data, one per conversation.
const (
	nsMenu       = "m"    // the main menu's buttons
	nsBrowse     = "k"    // the catalogue: pages, filters, a course, enrolling
	nsMine       = "s"    // "Pelatihan Saya": the list, cancelling
	nsProfile    = "p"    // the profile card
	nsReminders  = "r"    // /pengingat
	nsOnboarding = "ob"   // registration: consent, summary, corrections
	nsRank       = "rank" // a rank (golongan) button; its action is the rank's code
	nsDelete     = "del"  // /hapusdata's confirmation
	nsSchedule   = "j"    // /ubahjadwal
	nsSurvey     = "v"    // answering a survey
	nsResults    = "h"    // /hasil
	nsClaim      = "nc"   // NIP claims: filing one, an admin's pages and decision
	nsAttend     = "pr"   // /presensi: the admin's check-in screen
	nsJP         = "jp"   // the monthly JP nudge: turning it off or on
	nsCert       = "sf"   // certificates: an admin's revocation, the SIASN export's batch
	nsExternal   = "pl"   // recording a training done elsewhere
	nsReview     = "pv"   // an admin's decision on a training done elsewhere
)

// maxData is Telegram's limit on callback data, in bytes.
const maxData = 64

// cb encodes callback data from a namespace, an action and arguments (strings or ids).
func cb(ns, action string, args ...any) string {
	var b strings.Builder
	b.WriteString(ns)
	b.WriteByte(':')
	b.WriteString(action)
	for _, a := range args {
		b.WriteByte(':')
		switch v := a.(type) {
		case string:
			b.WriteString(v)
		case int:
			b.WriteString(strconv.Itoa(v))
		case int64:
			b.WriteString(strconv.FormatInt(v, 10))
		default:
			panic("callback data argument of unexpected type") // a programming error, caught by tests
		}
	}
	return b.String()
}

// data is callback data taken apart.
type data struct {
	ns, action string
	// args is what follows the action, whole: the last argument may itself hold a colon.
	args string
}

func parseData(s string) data {
	ns, rest, _ := strings.Cut(s, ":")
	action, args, _ := strings.Cut(rest, ":")
	return data{ns: ns, action: action, args: args}
}

// arg is the i-th argument, "" when there is none.
func (d data) arg(i int) string {
	parts := strings.SplitN(d.args, ":", i+2)
	if d.args == "" || i >= len(parts) {
		return ""
	}
	return parts[i]
}

// rest is the arguments from the i-th on, with their colons.
func (d data) rest(i int) string {
	parts := strings.SplitN(d.args, ":", i+1)
	if d.args == "" || i >= len(parts) {
		return ""
	}
	return parts[i]
}

// id is the i-th argument as a record id; ok is false when it is not one.
func (d data) id(i int) (int64, bool) {
	n, err := strconv.ParseInt(d.arg(i), 10, 64)
	return n, err == nil && n > 0
}

// pressed reports whether the input is a press on the button ns:action (of any arguments).
func (c *conv) pressed(ns, action string) bool {
	return c.callback() && c.data.ns == ns && c.data.action == action
}
