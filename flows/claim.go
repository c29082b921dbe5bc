package flows

import (
	"errors"
	"fmt"

	"github.com/bpsdm/asnbot/flows/asn"
)

// The claimant's side of a NIP claim, and the completion of a profile that lacks something
// after a claim was decided (the holder who lost the NIP, the claimant registered with what
// they had typed).

// backMissing: the onboarding flow asks only the fields a saved profile lacks.
const backMissing = "missing"

// offerClaim answers a NIP registered to another account. It says not whose, only that an
// admin can compare both accounts; the NIP waits in the draft for the button, so the data
// of the button names nobody.
func (c *conv) offerClaim(nip string, edit bool) {
	s := c.st
	s.Draft.ClaimNIP = nip
	c.set(s)
	c.say(Reply{Edit: edit, Text: T("profil.salah.nip_terdaftar"),
		Buttons: [][]Button{{Btn("klaim.ajukan", cb(nsClaim, "f"))}}})
}

// fileClaim stores the claim on the NIP the draft names ("nc:f"), with the profile typed so
// far. Filing twice (a double tap, an update handled again) stores one claim and says the
// same. The conversation stays where it was: another NIP may be typed, or /batal leaves.
func (c *conv) fileClaim() error {
	nip := c.st.Draft.ClaimNIP
	parsed, prob := asn.ParseNIP(nip, c.e.now())
	if nip == "" || prob != nil {
		return c.expired()
	}
	owner, err := c.e.store.NIPOwner(c.ctx, nip)
	switch {
	case errors.Is(err, ErrNotFound) || (err == nil && owner == c.in.UserID):
		// Free by now (or theirs): nothing to claim, the NIP can simply be typed again.
		c.say(Reply{Edit: true, Text: T("klaim.tidak_perlu")})
		return nil
	case err != nil:
		return fmt.Errorf("nip owner: %w", err)
	}
	d := c.st.Draft
	if d.Kind != parsed.Kind {
		d.Rank = "" // a rank of the other kind of ASN means nothing for this NIP
	}
	d.NIP, d.Kind, d.ClaimNIP = "", parsed.Kind, ""
	cl, err := c.e.store.FileClaim(c.ctx, NIPClaim{NIP: nip, ClaimantID: c.in.UserID, ClaimantChat: c.in.ChatID,
		TelegramName: c.in.FirstName, TelegramUsername: c.in.Username, Profile: d}, c.e.now())
	if err != nil {
		return fmt.Errorf("file claim: %w", err)
	}
	if cl.Status != ClaimPending {
		c.say(Reply{Edit: true, Text: T("klaim.sudah_diputuskan")})
		return nil
	}
	c.say(Reply{Edit: true, Text: T("klaim.diajukan")})
	return nil
}

// complete reports whether every field of the profile has a value. A profile lacks one only
// after a claim: its NIP was moved to another account, or it was registered from a claim
// filed before every question was answered.
func (p Participant) complete() bool {
	_, missing := missingField(draftOf(p))
	return !missing
}

// incomplete reports whether the user is registered with a profile that lacks something.
func (c *conv) incomplete() bool { return c.p != nil && !c.p.complete() }

// missingField is the first field of d without a value.
func missingField(d Draft) (field, bool) {
	for _, f := range profileFields {
		if fieldValue(f, d) == "" {
			return f, true
		}
	}
	return "", false
}

// completeProfile asks a registered user for what their profile lacks, one question at a
// time (the onboarding flow, asking only those), before anything else a member does. Their
// enrolments and reminders carry on meanwhile; /batal and /hapusdata still work.
func (c *conv) completeProfile() error {
	d := draftOf(*c.p)
	f, missing := missingField(d)
	if !missing {
		c.clear()
		c.say(c.menu())
		return nil
	}
	c.set(State{Flow: flowOnboarding, Step: string(f), Draft: d, Back: backMissing})
	key := "klaim.lengkapi"
	if f == fNIP {
		key = "klaim.isi_nip"
	}
	c.say(Reply{Text: T(key)})
	c.say(c.ask(f, d.Kind))
	return nil
}

// pendingClaimNote is a line for an unregistered user who is waiting for a claim's decision.
func (c *conv) pendingClaimNote() ([]Text, error) {
	if c.registered() {
		return nil, nil
	}
	pending, err := c.e.store.HasClaims(c.ctx, c.in.UserID, true)
	if err != nil || !pending {
		return nil, err
	}
	return []Text{T("klaim.menunggu")}, nil
}
