-- +goose Up
-- Participants: ASN who registered with the bot. One row per Telegram account; a NIP belongs
-- to at most one account.
CREATE TABLE participants (
    id             bigserial   PRIMARY KEY,
    telegram_id    bigint      NOT NULL,
    chat_id        bigint      NOT NULL,
    name           text        NOT NULL,
    nip            char(18)    NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('pns', 'pppk')),
    agency         text        NOT NULL,
    work_unit      text        NOT NULL,
    job_title      text        NOT NULL,
    grade          text        NOT NULL,
    phone          text        NOT NULL,
    consent_at     timestamptz NOT NULL,
    unreachable_at timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT participants_telegram_id_key UNIQUE (telegram_id),
    CONSTRAINT participants_nip_key UNIQUE (nip)
);
CREATE INDEX participants_chat_id_idx ON participants (chat_id);

-- +goose Down
DROP TABLE participants;
