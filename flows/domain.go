package flows

import (
	"context"
	"errors"
	"time"

	"github.com/bpsdm/asnbot/flows/asn"
)

// Errors the stores return, mapped from driver errors in one place (storage).
var (
	// ErrNotFound: the record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrNIPTaken: the NIP is registered to another Telegram account.
	ErrNIPTaken = errors.New("nip registered to another account")
)

// Participant is an ASN who registered with the bot.
type Participant struct {
	ID           int64
	TelegramID   int64
	ChatID       int64
	Name         string
	NIP          string // 18 digits
	Kind         asn.Kind
	Agency       string // instansi
	Unit         string // unit kerja
	Position     string // jabatan
	Rank         string // golongan code, e.g. "III/a" or "IX"
	Phone        string // +62...
	ConsentAt    time.Time
	Unreachable  bool // the bot was blocked or the account deactivated
	RemindersOff bool // the participant turned reminders off with /pengingat
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Store is what flows need of the records in Postgres.
type Store interface {
	// Participant returns the participant with this Telegram user id, or ErrNotFound.
	Participant(ctx context.Context, telegramID int64) (Participant, error)
	// NIPOwner returns the Telegram user id that holds nip, or ErrNotFound.
	NIPOwner(ctx context.Context, nip string) (int64, error)
	// SaveParticipant inserts or updates the participant by Telegram id; ErrNIPTaken when
	// the NIP belongs to another account. It clears Unreachable: the user is talking to us.
	SaveParticipant(ctx context.Context, p *Participant) error
	// DeleteParticipant removes the participant and their enrolments in one transaction; the
	// seats they free go to the waiting lists, and those moved up are returned to be told.
	DeleteParticipant(ctx context.Context, telegramID int64, now time.Time) ([]Promotion, error)
	// MarkReachable clears the unreachable flag after a blocked user came back.
	MarkReachable(ctx context.Context, telegramID int64) error
	// SetReminders turns the participant's reminders on or off.
	SetReminders(ctx context.Context, telegramID int64, on bool) error
}

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
}
