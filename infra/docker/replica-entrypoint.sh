#!/usr/bin/env bash
# Entrypoint of the replica service in docker-compose.yml. On the first start (no cluster in $PGDATA yet) it waits
# for the primary, then clones it with pg_basebackup -R -X stream -c fast -C -S, as the Java launcher's PostgresReplica
# does: -C -S creates the replica's physical replication slot with the backup, so the primary keeps the WAL the
# replica has not received yet, and -R writes standby.signal, primary_conninfo and primary_slot_name, which make the
# copy a standby streaming through that slot. Then, on this and every later start, it hands over to the postgres
# image's own entrypoint, which finds an existing cluster and only starts it: a later start does not need the primary
# (the replica serves its site's reads while the main site is down, and catches up once it is back).
#
# Environment: PRIMARY_HOST, PRIMARY_PORT, REPLICATION_USER, REPLICATION_PASSWORD, REPLICATION_SLOT (and the image's
# PGDATA).
set -euo pipefail

: "${PGDATA:?PGDATA is not set}"
: "${PRIMARY_HOST:?PRIMARY_HOST is not set}"
: "${PRIMARY_PORT:?PRIMARY_PORT is not set}"
: "${REPLICATION_USER:?REPLICATION_USER is not set}"
: "${REPLICATION_PASSWORD:?REPLICATION_PASSWORD is not set}"
: "${REPLICATION_SLOT:?REPLICATION_SLOT is not set}"
if [[ ! "$REPLICATION_SLOT" =~ ^[a-z0-9_]+$ ]]; then
    echo "replica: REPLICATION_SLOT must be lower-case letters, digits and underscores: $REPLICATION_SLOT" >&2
    exit 1
fi

if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
    # The primary may still be starting (nothing orders the two at start-up): wait for it a while, then exit, and
    # the restart policy tries again.
    for attempt in $(seq 150); do
        pg_isready -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" && break
        if [[ "$attempt" == 150 ]]; then
            echo "replica: the primary $PRIMARY_HOST:$PRIMARY_PORT did not answer within 300 s" >&2
            exit 1
        fi
        sleep 2
    done
    # The password through the environment, not the command line, so that ps does not show it.
    export PGPASSWORD="$REPLICATION_PASSWORD"
    # A slot left by an earlier, interrupted clone would make -C fail: drop it unless a replica streams through it
    # (as the launcher does before adding a site).
    psql -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$REPLICATION_USER" -d postgres -v ON_ERROR_STOP=1 -qAt -c \
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
         WHERE slot_name = '$REPLICATION_SLOT' AND NOT active" > /dev/null
    echo "replica: no cluster in $PGDATA: cloning $PRIMARY_HOST:$PRIMARY_PORT with pg_basebackup, slot $REPLICATION_SLOT"
    mkdir -p "$PGDATA"
    # Without PG_VERSION there is no cluster here, only what an interrupted earlier attempt left behind.
    find "$PGDATA" -mindepth 1 -delete
    chmod 700 "$PGDATA"
    as_postgres=()
    if [[ "$(id -u)" == 0 ]]; then
        # PostgreSQL runs as the postgres user (the image's entrypoint drops to it), so the copy must be its own.
        chown postgres:postgres "$PGDATA"
        as_postgres=(gosu postgres)
    fi
    # On failure pg_basebackup empties the directory again; either way the next start tries anew.
    "${as_postgres[@]}" pg_basebackup \
        -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$REPLICATION_USER" -D "$PGDATA" \
        -R -X stream -c fast -C -S "$REPLICATION_SLOT"
    unset PGPASSWORD
    echo "replica: base backup complete"
fi

exec docker-entrypoint.sh "$@"
