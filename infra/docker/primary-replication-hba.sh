#!/usr/bin/env bash
# Init script of the primary service in docker-compose.yml, run once by the postgres image's entrypoint right
# after initdb (it is sourced, so it sets no shell options). initdb allows replication connections from loopback
# only, which is all the Java launcher needs; here the replica connects from its own container, so physical
# replication is allowed from the compose network (samenet: any subnet the server is attached to), with the
# same scram-sha-256 password authentication. Logical replication (Debezium) names a database and is already
# covered by the image's "host all all all scram-sha-256" line.
printf '%s\n' '# Added by infra/docker/primary-replication-hba.sh: the replica, from the compose network.' \
    'host    replication     all             samenet                 scram-sha-256' >> "$PGDATA/pg_hba.conf"
