package flows

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
)

// A NIP belongs to one account, the first to register it. Someone who enters a NIP already
// registered to another account is not told whose it is; they may file a claim, and an admin
// compares both accounts (/admin, "Klaim NIP") and either keeps the NIP where it is or moves
// it to the claimant. Both are told by a job written in the decision's transaction.

// ClaimStatus is where a claim stands.
type ClaimStatus string

// The statuses of a claim.
const (
	ClaimPending ClaimStatus = "pending"
	ClaimGranted ClaimStatus = "granted" // the NIP was moved to the claimant
	ClaimKept    ClaimStatus = "kept"    // the NIP stays with the account that held it
)

// NIPClaim is one person's claim on a NIP registered to another account.
type NIPClaim struct {
	ID           int64
	NIP          string // 18 digits
	ClaimantID   int64  // Telegram user id
	ClaimantChat int64
	// TelegramName and TelegramUsername are the claimant's as Telegram gave them.
	TelegramName, TelegramUsername string
	// Profile is what the claimant had typed when they filed it (Kind from the NIP).
	Profile Draft
	Status  ClaimStatus
	FiledAt time.Time
	// DecidedAt, DecidedBy and the holder told are set when an admin decides.
	DecidedAt  time.Time
	DecidedBy  int64
	HolderID   int64 // the Telegram user id that held the NIP then; 0 when nobody did
	HolderChat int64
}

// ClaimView is a claim with both accounts as they are now, for the admin who decides.
type ClaimView struct {
	Claim NIPClaim
	// Holder is the participant who holds the NIP now; nil when nobody else does.
	Holder *Participant
	// Claimant is the claimant's own participant record; nil when they are not registered.
	Claimant *Participant
}

// Errors of deciding a claim.
var (
	// ErrClaimDecided: the claim was decided already (a double tap); nothing changed.
	ErrClaimDecided = errors.New("claim decided already")
	// ErrClaimChanged: the NIP changed hands since the admin's screen was shown; nothing changed.
	ErrClaimChanged = errors.New("claim changed since shown")
)

// Claims is what flows need of the NIP claims in Postgres.
type Claims interface {
	// FileClaim stores c (pending) once per claimant and NIP: filing again updates the
	// profile of a claim still pending and changes nothing else. It returns the claim as
	// stored, which may have been decided already.
	FileClaim(ctx context.Context, c NIPClaim, now time.Time) (NIPClaim, error)
	// HasClaims reports whether the Telegram user filed a claim (pending ones only, or any).
	HasClaims(ctx context.Context, telegramID int64, pendingOnly bool) (bool, error)
	// PendingClaims returns the oldest pending claims, at most limit, and how many are pending.
	PendingClaims(ctx context.Context, limit int) ([]NIPClaim, int, error)
	// CountPendingClaims counts the claims waiting for an admin.
	CountPendingClaims(ctx context.Context) (int, error)
	// ClaimView loads a claim with both accounts; ErrNotFound when it is gone.
	ClaimView(ctx context.Context, id int64) (ClaimView, error)
	// NIPClaim loads a claim; ErrNotFound when it is gone.
	NIPClaim(ctx context.Context, id int64) (NIPClaim, error)
	// ResolveClaim decides a pending claim in one transaction with the audit entry and the
	// notices: grant moves the NIP from its holder to the claimant, otherwise it stays.
	// holder is the participant id of the holder the admin saw (0: nobody). Errors:
	// ErrClaimDecided (with the claim as decided), ErrClaimChanged, ErrNotFound.
	ResolveClaim(ctx context.Context, id int64, grant bool, holder int64, by Actor, now time.Time) (NIPClaim, error)
}

// Who a ClaimNotice goes to.
const (
	ClaimToClaimant = "claimant"
	ClaimToHolder   = "holder"
	// ClaimToFreed: the holder deleted their data, so the NIP is free; the claim went with it.
	ClaimToFreed = "freed"
)

// ClaimNotice tells one person what became of a claim. It names the claim, not the person:
// the chat is read from the claim when it is sent, so a person who deleted their data since
// is not written to (their claims went with it). Only the news that a NIP is free, whose
// claim is gone, carries the claimant's chat.
type ClaimNotice struct {
	ClaimID int64  `json:"claim_id"`
	To      string `json:"to"`
	Chat    int64  `json:"chat,omitempty"`
	uniqueByArgs
}

// Kind implements river.JobArgs.
func (ClaimNotice) Kind() string { return "nip_claim_notice" }

// ClaimNotifier delivers claim notices (bot's courier).
type ClaimNotifier interface {
	DeliverClaimNotice(ctx context.Context, n ClaimNotice, job int64) error
}

// AddClaimNoticeWorker registers the worker of claim notices.
func AddClaimNoticeWorker(ws *river.Workers, d ClaimNotifier) {
	river.AddWorker(ws, river.WorkFunc(func(ctx context.Context, job *river.Job[ClaimNotice]) error {
		return d.DeliverClaimNotice(ctx, job.Args, job.ID)
	}))
}

// ClaimLetter is what notice n says, and to which chat, about claim cl (the zero claim for
// ClaimToFreed); chat is 0 when there is nothing to say.
func ClaimLetter(n ClaimNotice, cl NIPClaim) (chat int64, replies []Reply) {
	switch {
	case n.To == ClaimToFreed && n.Chat != 0:
		return n.Chat, []Reply{{Text: T("klaim.kabar.bebas")}}
	case n.To == ClaimToClaimant && cl.Status == ClaimGranted:
		return cl.ClaimantChat, []Reply{{Text: T("klaim.kabar.diberikan", "NIP", formatNIP(cl.NIP))}}
	case n.To == ClaimToClaimant && cl.Status == ClaimKept:
		return cl.ClaimantChat, []Reply{{Text: T("klaim.kabar.tetap", "NIP", formatNIP(cl.NIP))}}
	case n.To == ClaimToHolder && cl.Status == ClaimGranted && cl.HolderChat != 0:
		return cl.HolderChat, []Reply{{Text: T("klaim.kabar.dipindahkan")}}
	}
	return 0, nil
}
