-- +goose Up
-- A seat moved up from the waiting list is held while its holder is asked whether they still
-- come: the deadline of that open offer, NULL once confirmed (or never offered). A seat
-- cancelled at its deadline keeps it, which tells an expiry from a decline.
ALTER TABLE enrolments ADD COLUMN offer_expires_at timestamptz;

-- +goose Down
ALTER TABLE enrolments DROP COLUMN offer_expires_at;
