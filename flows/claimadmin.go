package flows

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The admin's side of NIP claims: /admin → "Klaim NIP" lists the pending ones; a claim's page
// shows both accounts, one above the other, with the two decisions.

// claimsShown bounds the list of pending claims on one page.
const claimsShown = 10

// claimsPage lists the pending claims, oldest first ("adm:klaim").
func (c *conv) claimsPage() error {
	c.clear()
	list, total, err := c.e.store.PendingClaims(c.ctx, claimsShown)
	if err != nil {
		return fmt.Errorf("pending claims: %w", err)
	}
	var rows [][]Button
	for _, cl := range list {
		rows = append(rows, []Button{{Label: T("klaim.tombol", "ID", cl.ID, "Name", cutRunes(cl.Profile.Name, 24)),
			Data: cb(nsClaim, "v", cl.ID)}})
	}
	rows = append(rows, adminBack())
	c.say(Reply{Edit: c.callback(), Text: T("klaim.daftar", "Count", total, "Shown", len(list)), Buttons: rows})
	return nil
}

// claimPage shows one claim: both accounts and, while it is pending, the two decisions
// ("nc:v:<claim>"). Each decision's button names the holder shown, so it cannot act on an
// account the admin did not see.
func (c *conv) claimPage() error {
	id, ok := c.data.id(0)
	if !ok {
		return c.expired()
	}
	v, err := c.e.store.ClaimView(c.ctx, id)
	if errors.Is(err, ErrNotFound) {
		c.toast(T("klaim.tidak_ada"))
		return c.claimsPage()
	}
	if err != nil {
		return fmt.Errorf("claim view: %w", err)
	}
	c.say(c.claimScreen(v))
	return nil
}

// claimScreen is the page of a claim as it is now.
func (c *conv) claimScreen(v ClaimView) Reply {
	cl := v.Claim
	back := []Button{Btn("admin.kembali", cb(nsAdmin, "klaim"))}
	if cl.Status != ClaimPending {
		return Reply{Edit: true, Buttons: [][]Button{back}, Text: T("klaim.diputuskan", "ID", cl.ID,
			"Granted", cl.Status == ClaimGranted, "Holder", cl.HolderID != 0, "At", cl.DecidedAt.In(c.e.zone))}
	}
	holder, holderID := T("klaim.tanpa_pemegang"), int64(0)
	if v.Holder != nil {
		holder, holderID = c.account(draftOf(*v.Holder), T("klaim.sejak", "Date", dateOnly(v.Holder.CreatedAt.In(c.e.zone))),
			v.Holder.TelegramID, "", ""), v.Holder.ID
	}
	since := T("klaim.belum_terdaftar")
	if v.Claimant != nil {
		since = T("klaim.terdaftar_lain", "Date", dateOnly(v.Claimant.CreatedAt.In(c.e.zone)), "HasNIP", v.Claimant.NIP != "")
	}
	claimant := c.account(cl.Profile, since, cl.ClaimantID, cl.TelegramName, cl.TelegramUsername)
	return Reply{Edit: true,
		Text: T("klaim.halaman", "ID", cl.ID, "NIP", formatNIP(cl.NIP), "Filed", cl.FiledAt.In(c.e.zone),
			"Holder", holder, "Claimant", claimant),
		Buttons: [][]Button{
			{Btn("klaim.tetap", cb(nsClaim, "k", cl.ID, holderID)), Btn("klaim.berikan", cb(nsClaim, "g", cl.ID, holderID))},
			back,
		}}
}

// account is one side of a claim as the admin compares them; the phone partly masked.
func (c *conv) account(d Draft, since Text, telegramID int64, name, username string) Text {
	return T("klaim.akun", "Name", orDash(d.Name), "Agency", orDash(d.Agency), "Position", orDash(d.Position),
		"Phone", orDash(maskPhone(d.Phone)), "Since", since,
		"Telegram", T("klaim.telegram", "Name", name, "Username", username, "ID", telegramID))
}

// decideClaim keeps the NIP with its holder ("nc:k:<claim>:<holder>") or gives it to the
// claimant ("nc:g:..."). A second tap finds the claim decided and only shows it again.
func (c *conv) decideClaim() error {
	id, ok := c.data.id(0)
	holder, err := strconv.ParseInt(c.data.arg(1), 10, 64)
	if !ok || err != nil || holder < 0 {
		return c.expired()
	}
	grant := c.data.action == "g"
	_, err = c.e.store.ResolveClaim(c.ctx, id, grant, holder, c.actor(), c.e.now())
	switch {
	case err == nil:
		c.toast(T("klaim.diputuskan_singkat"))
	case errors.Is(err, ErrClaimDecided):
		c.toast(T("klaim.sudah_diputuskan_singkat"))
	case errors.Is(err, ErrClaimChanged):
		c.toast(T("klaim.berubah"))
	case errors.Is(err, ErrNotFound):
		c.toast(T("klaim.tidak_ada"))
		return c.claimsPage()
	default:
		return fmt.Errorf("resolve claim: %w", err)
	}
	v, err := c.e.store.ClaimView(c.ctx, id)
	if errors.Is(err, ErrNotFound) {
		return c.claimsPage()
	}
	if err != nil {
		return fmt.Errorf("claim view: %w", err)
	}
	c.say(c.claimScreen(v))
	return nil
}

// maskPhone shows the start and the end of a number, enough to compare two of them without
// showing either whole: +62812•••••890.
func maskPhone(s string) string {
	r := []rune(s)
	if len(r) < 9 {
		return strings.Repeat("•", len(r))
	}
	return string(r[:6]) + strings.Repeat("•", len(r)-9) + string(r[len(r)-3:])
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
