package flows

import (
	"context"
	"time"

	"github.com/bpsdm/asnbot/flows/asn"
)

// StateStore keeps one conversation State per chat, with an idle expiry.
type StateStore interface {
	// LoadState returns the chat's state, or the zero State when there is none.
	LoadState(ctx context.Context, chatID int64) (State, error)
	SaveState(ctx context.Context, chatID int64, s State) error
	ClearState(ctx context.Context, chatID int64) error
}

// stateVersion is bumped when State's shape changes incompatibly; an older state is dropped
// (the user starts the step again) rather than misread.
const stateVersion = 1

// State is a chat's conversation: which flow, which step, and a small draft. It holds ids and
// what the user typed so far, never copies of records.
type State struct {
	Version int    `json:"v"`
	Flow    string `json:"flow,omitempty"`
	Step    string `json:"step,omitempty"`
	Draft   Draft  `json:"draft,omitempty"`
	// Back is "summary" while one field of a finished onboarding draft is being corrected.
	Back string `json:"back,omitempty"`
	// Then is where to go once onboarding is done (a deep link's target).
	Then string `json:"then,omitempty"`
	// Schedule is the batch change an admin is preparing (/ubahjadwal).
	Schedule *ScheduleDraft `json:"schedule,omitempty"`
	// Answering is the enrolment whose survey is being answered; the answers themselves are
	// in Postgres.
	Answering int64 `json:"answering,omitempty"`
	// StaffRole is the role being given (/admin, "Tambah admin").
	StaffRole string `json:"staff_role,omitempty"`
	// Announce is the announcement being written (/siaran).
	Announce *AnnounceDraft `json:"announce,omitempty"`
	// Revoking is the certificate an admin is revoking, while they type the reason.
	Revoking int64 `json:"revoking,omitempty"`
	// External is the training done elsewhere being recorded; Refusing the record an admin is
	// refusing, while they type the reason.
	External *ExternalDraft `json:"external,omitempty"`
	Refusing int64          `json:"refusing,omitempty"`
	// Ended is set by LoadState, never stored: there is no conversation, but a registration
	// draft of this chat expired unfinished (DraftLifetime), which the user is told.
	Ended bool `json:"-"`
}

// DraftLifetime is how long a registration left halfway is kept: the user may be looking for
// their SK to copy the NIP, or wait for a weekday to ask their office.
const DraftLifetime = 7 * 24 * time.Hour

// Lifetime is how long the state is kept without input when it must outlive the store's
// default: a registration draft's DraftLifetime; 0 for the rest.
func (s State) Lifetime() time.Duration {
	if s.Flow == flowOnboarding {
		return DraftLifetime
	}
	return 0
}

// Draft is the profile being typed.
type Draft struct {
	Name      string    `json:"name,omitempty"`
	NIP       string    `json:"nip,omitempty"`
	Kind      asn.Kind  `json:"kind,omitempty"`
	Agency    string    `json:"agency,omitempty"`
	Unit      string    `json:"unit,omitempty"`
	Position  string    `json:"position,omitempty"`
	Rank      string    `json:"rank,omitempty"`
	Phone     string    `json:"phone,omitempty"`
	ConsentAt time.Time `json:"consent_at,omitempty"`
	// ClaimNIP is a NIP registered to another account that the user may claim ("nc:f").
	ClaimNIP string `json:"claim_nip,omitempty"`
}

// ScheduleDraft is the change an admin is preparing in /ubahjadwal.
type ScheduleDraft struct {
	BatchID int64       `json:"batch"`
	Change  BatchChange `json:"change"`
	// Rev counts the edits: "Simpan" names the one its preview showed, so an older preview's
	// button cannot save more than it showed.
	Rev int `json:"rev,omitempty"`
}
