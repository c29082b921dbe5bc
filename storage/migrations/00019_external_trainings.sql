-- +goose Up
-- Trainings done elsewhere ("Catat pelatihan lain"): recorded by the participant with a photo
-- or PDF of the certificate (kept as Telegram's file id), counted in the JP ledger once an
-- admin approved them; a refusal keeps its reason for the participant to read.
CREATE TABLE external_trainings (
    id             bigserial PRIMARY KEY,
    participant_id bigint NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    title          text NOT NULL,
    organiser      text NOT NULL,
    starts_on      date NOT NULL,
    ends_on        date NOT NULL,
    ends_at        timestamptz NOT NULL,  -- noon of ends_on in the agency's zone: the year it counts in
    jp             integer NOT NULL CHECK (jp > 0),
    file_id        text NOT NULL,
    file_kind      text NOT NULL,         -- photo or document
    file_name      text NOT NULL DEFAULT '',
    status         text NOT NULL DEFAULT 'menunggu', -- menunggu, disetujui, ditolak
    reason         text NOT NULL DEFAULT '',
    decided_by     bigint,
    decided_at     timestamptz,
    created_at     timestamptz NOT NULL
);
CREATE INDEX external_trainings_participant ON external_trainings (participant_id, ends_at);
CREATE INDEX external_trainings_waiting ON external_trainings (created_at) WHERE status = 'menunggu';

-- +goose Down
DROP TABLE external_trainings;
