package bot

import (
	"context"
	"errors"
	"strconv"

	"github.com/bpsdm/asnbot/flows"
)

var _ flows.ClaimNotifier = (*Courier)(nil)

// DeliverClaimNotice implements flows.ClaimNotifier: what became of a NIP claim, to the
// claimant or to the holder who lost the NIP, once (a delivery record per message), through
// the shared rate limit. A claim gone (its claimant or holder deleted their data) says nothing.
func (c *Courier) DeliverClaimNotice(ctx context.Context, n flows.ClaimNotice, job int64) error {
	var cl flows.NIPClaim
	if n.To != flows.ClaimToFreed {
		var err error
		cl, err = c.Records.NIPClaim(ctx, n.ClaimID)
		if errors.Is(err, flows.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	chat, replies := flows.ClaimLetter(n, cl)
	if chat == 0 {
		return nil
	}
	key := "klaim_nip:" + strconv.FormatInt(n.ClaimID, 10) + ":" + n.To
	err := c.deliverOnce(ctx, "job:"+strconv.FormatInt(job, 10), key, chat, replies, nil)
	if errors.Is(err, ErrUnreachable) {
		return nil // marked unreachable by the sender; retrying will not help
	}
	return err
}
