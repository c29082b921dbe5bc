-- +goose Up
-- E-certificates: issued once per completed enrolment whose evaluation was submitted. What the
-- certificate says is kept as it was issued (name, NIP, course, dates, JP), so that it reads
-- the same on every download and verification, even after a profile or the catalogue changed
-- or the participant deleted their data.
CREATE TABLE certificates (
    id             bigserial PRIMARY KEY,
    enrolment_id   bigint UNIQUE REFERENCES enrolments (id) ON DELETE SET NULL,
    participant_id bigint REFERENCES participants (id) ON DELETE SET NULL,
    batch_id       bigint REFERENCES batches (id) ON DELETE SET NULL,
    number         text NOT NULL UNIQUE,  -- from CERT_NUMBER_FORMAT
    code           text NOT NULL UNIQUE,  -- the verification code, printed and in the QR
    name           text NOT NULL,
    nip            text NOT NULL,
    agency         text NOT NULL,         -- the participant's instansi
    organiser      text NOT NULL,         -- who held the training (CERT_ORGANISER)
    course_code    text NOT NULL,
    course_title   text NOT NULL,
    category       text NOT NULL,
    batch_name     text NOT NULL,
    starts_at      timestamptz NOT NULL,
    ends_at        timestamptz NOT NULL,
    time_zone      text NOT NULL,
    jp             integer NOT NULL,
    issued_at      timestamptz NOT NULL,
    revoked_at     timestamptz,
    revoked_by     bigint,
    revoke_reason  text
);
CREATE INDEX certificates_participant ON certificates (participant_id);
CREATE INDEX certificates_batch ON certificates (batch_id);

-- The last serial ({urut}) of each number's scope: the number with every placeholder but
-- {urut} filled in. Serials only go up, so a number is never given twice, revoked or not.
CREATE TABLE certificate_serials (
    scope text PRIMARY KEY,
    last  integer NOT NULL
);

-- +goose Down
DROP TABLE certificate_serials;
DROP TABLE certificates;
