-- Idempotency-Keys of writes made at the main site (I10). The transaction id is derived from the key's scope
-- (site, user, method, path, key), so it is this table's key and the ledger's: a key is kept as long as its
-- transaction's status, and dropped with it. The row is claimed (request hash) before the write and gets the
-- first answer after it; a retry with another request hash is refused.
CREATE TABLE relay_idempotency_key (
    transaction_id   uuid PRIMARY KEY,
    principal        text NOT NULL,
    method           text NOT NULL,
    path             text NOT NULL,
    idempotency_key  text NOT NULL,
    request_hash     text NOT NULL,
    answer_status    integer,
    answer_location  text,
    answer_body      bytea,
    created_at       timestamptz NOT NULL DEFAULT now()
);
