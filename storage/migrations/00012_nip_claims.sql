-- +goose Up
-- A participant may be left without a NIP: an admin moved it to the account that claimed it
-- (nip_claims below), and the participant is asked for their own before using the bot again.
-- UNIQUE (nip) still holds for every NIP given; it lets any number of rows have none.
ALTER TABLE participants ALTER COLUMN nip DROP NOT NULL;

-- Claims on a NIP registered to another account: one row per claimant and NIP, with the
-- claimant's profile as typed when they filed it (to be compared with the holder's, and to
-- register them if the NIP is given to them). The first registration stands until an admin
-- decides. holder_* is the account that held the NIP when it was decided (and is told so).
CREATE TABLE nip_claims (
    id                   bigserial   PRIMARY KEY,
    nip                  char(18)    NOT NULL,
    claimant_telegram_id bigint      NOT NULL,
    claimant_chat_id     bigint      NOT NULL,
    telegram_name        text        NOT NULL DEFAULT '',
    telegram_username    text        NOT NULL DEFAULT '',
    name                 text        NOT NULL,
    kind                 text        NOT NULL CHECK (kind IN ('pns', 'pppk')),
    agency               text        NOT NULL DEFAULT '',
    work_unit            text        NOT NULL DEFAULT '',
    job_title            text        NOT NULL DEFAULT '',
    grade                text        NOT NULL DEFAULT '',
    phone                text        NOT NULL DEFAULT '',
    consent_at           timestamptz NOT NULL,
    status               text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'granted', 'kept')),
    filed_at             timestamptz NOT NULL,
    decided_at           timestamptz,
    decided_by           bigint,
    holder_telegram_id   bigint,
    holder_chat_id       bigint,
    CONSTRAINT nip_claims_claimant_nip UNIQUE (claimant_telegram_id, nip)
);
CREATE INDEX nip_claims_pending ON nip_claims (filed_at, id) WHERE status = 'pending';
CREATE INDEX nip_claims_nip ON nip_claims (nip);
CREATE INDEX nip_claims_holder ON nip_claims (holder_telegram_id) WHERE holder_telegram_id IS NOT NULL;

-- +goose Down
DROP TABLE nip_claims;
-- Refuses (rather than deletes anyone) while a participant is waiting to enter a new NIP.
ALTER TABLE participants ALTER COLUMN nip SET NOT NULL;
