#!/usr/bin/env bash
# Entrypoint of the replica service in docker-compose.yml. On the first start (no cluster in $PGDATA yet) it clones
# the primary with pg_basebackup -R -X stream -c fast, as the Java launcher's PostgresReplica does; -R writes
# standby.signal and primary_conninfo, which make the copy a streaming standby. Then, on this and every later
# start, it hands over to the postgres image's own entrypoint, which finds an existing cluster and only starts it.
#
# Environment: PRIMARY_HOST, PRIMARY_PORT, REPLICATION_USER, REPLICATION_PASSWORD (and the image's PGDATA).
set -euo pipefail

: "${PGDATA:?PGDATA is not set}"
: "${PRIMARY_HOST:?PRIMARY_HOST is not set}"
: "${PRIMARY_PORT:?PRIMARY_PORT is not set}"
: "${REPLICATION_USER:?REPLICATION_USER is not set}"
: "${REPLICATION_PASSWORD:?REPLICATION_PASSWORD is not set}"

if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
    echo "replica: no cluster in $PGDATA: cloning $PRIMARY_HOST:$PRIMARY_PORT with pg_basebackup"
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
    # The password through the environment, not the command line, so that ps does not show it. On failure
    # pg_basebackup empties the directory again; either way the next start tries anew.
    PGPASSWORD="$REPLICATION_PASSWORD" "${as_postgres[@]}" pg_basebackup \
        -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$REPLICATION_USER" -D "$PGDATA" \
        -R -X stream -c fast
    echo "replica: base backup complete"
fi

exec docker-entrypoint.sh "$@"
