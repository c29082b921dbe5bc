-- +goose Up
-- What a batch's participants are told after enrolling: what to bring or prepare (catatan),
-- and whom to ask (kontak_nama, kontak_wa: a WhatsApp number as international digits). Empty
-- when the catalogue file has no such column.
ALTER TABLE batches
    ADD COLUMN notes text NOT NULL DEFAULT '',
    ADD COLUMN contact_name text NOT NULL DEFAULT '',
    ADD COLUMN contact_wa text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE batches DROP COLUMN notes, DROP COLUMN contact_name, DROP COLUMN contact_wa;
