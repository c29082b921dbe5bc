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
	NIP          string // 18 digits; empty after an admin moved it to the account that claimed it
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

// Participants is what flows need of the participants in Postgres.
type Participants interface {
	// Participant returns the participant with this Telegram user id, or ErrNotFound.
	Participant(ctx context.Context, telegramID int64) (Participant, error)
	// NIPOwner returns the Telegram user id that holds nip, or ErrNotFound.
	NIPOwner(ctx context.Context, nip string) (int64, error)
	// SaveParticipant inserts or updates the participant by Telegram id; ErrNIPTaken when
	// the NIP belongs to another account. It clears Unreachable: the user is talking to us.
	SaveParticipant(ctx context.Context, p *Participant) error
	// DeleteParticipant removes the participant and their enrolments in one transaction; the
	// seats they free go to the waiting lists, and those moved up are returned (and told).
	DeleteParticipant(ctx context.Context, telegramID int64, now time.Time) ([]Promotion, error)
	// MarkReachable clears the unreachable flag after a blocked user came back.
	MarkReachable(ctx context.Context, telegramID int64) error
	// SetReminders turns the participant's reminders on or off.
	SetReminders(ctx context.Context, telegramID int64, on bool) error
}
