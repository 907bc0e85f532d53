-- The relay's ledger: one row per transaction id, written in the same database transaction as the
-- transaction's operations. A transaction id already here is a duplicate delivery and is skipped.
CREATE TABLE relay_ledger (
    transaction_id    uuid PRIMARY KEY,
    site              text NOT NULL,
    attempt           integer NOT NULL,
    status            text NOT NULL CHECK (status IN ('APPLIED', 'FAILED')),
    error             text,
    operation_count   integer NOT NULL,
    accepted_at       timestamptz NOT NULL,
    applied_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    source_topic      text NOT NULL,
    source_partition  integer NOT NULL,
    source_offset     bigint NOT NULL
);
CREATE INDEX relay_ledger_site_offset ON relay_ledger (site, source_offset);

-- Commands that cannot even be read (not a WriteCommand): kept with their bytes and the reason.
CREATE TABLE relay_dead_letter (
    id                bigserial PRIMARY KEY,
    source_topic      text NOT NULL,
    source_partition  integer NOT NULL,
    source_offset     bigint NOT NULL,
    error             text NOT NULL,
    payload           bytea,
    recorded_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source_topic, source_partition, source_offset)
);

-- Debezium's heartbeat writes here, inside the publication, so the replication slot moves even
-- when no transaction is applied.
CREATE TABLE relay_heartbeat (
    id       integer PRIMARY KEY,
    beat_at  timestamptz NOT NULL
);
INSERT INTO relay_heartbeat VALUES (1, now());

-- Only what the outcome stream needs is decoded from the WAL.
CREATE PUBLICATION relay_ledger_publication FOR TABLE relay_ledger, relay_heartbeat;
