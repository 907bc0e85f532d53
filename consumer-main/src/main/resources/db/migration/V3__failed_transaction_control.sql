-- Operators retry or set aside FAILED transactions: who did it and when, on the ledger row. A discarded
-- transaction keeps status FAILED; discarded_at says an operator set it aside (the API's DISCARDED).
ALTER TABLE relay_ledger
    ADD COLUMN retried_at    timestamptz,
    ADD COLUMN retried_by    text,
    ADD COLUMN discarded_at  timestamptz,
    ADD COLUMN discarded_by  text;

-- Listing and counting FAILED and DISCARDED transactions reads this small index, never the whole ledger.
CREATE INDEX relay_ledger_failed ON relay_ledger (transaction_id) WHERE status = 'FAILED';

-- A FAILED command's dead letter: its original bytes (Avro single-object encoding, as read from its topic)
-- and the reason, one row per transaction id for its latest failed attempt. What an operator inspects, and
-- what a retry at the main site applies again. Rows without a transaction id are records that could not
-- even be read as a command, as before.
ALTER TABLE relay_dead_letter
    ADD COLUMN transaction_id  uuid,
    ADD COLUMN attempt         integer;
-- Direct writes share the position ('direct', -1, -1): only unreadable records are unique by position.
ALTER TABLE relay_dead_letter DROP CONSTRAINT relay_dead_letter_source_topic_source_partition_source_offs_key;
CREATE UNIQUE INDEX relay_dead_letter_unreadable ON relay_dead_letter (source_topic, source_partition, source_offset)
    WHERE transaction_id IS NULL;
CREATE UNIQUE INDEX relay_dead_letter_transaction ON relay_dead_letter (transaction_id);
