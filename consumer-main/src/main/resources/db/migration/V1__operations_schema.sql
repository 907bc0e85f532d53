-- The operations database: a faithful subset of the ops-db model. Applied to the primary only;
-- replicas receive it through WAL.

CREATE TABLE observing_program (
    id          uuid PRIMARY KEY,
    code        text NOT NULL UNIQUE,
    title       text,
    pi_name     text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE source (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    ra_deg      double precision CHECK (ra_deg >= 0 AND ra_deg < 360),
    dec_deg     double precision CHECK (dec_deg >= -90 AND dec_deg <= 90),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE executed_obs_unit (
    id                    uuid PRIMARY KEY,
    obs_unit_id           text NOT NULL,
    observing_program_id  uuid REFERENCES observing_program (id),
    source_id             uuid REFERENCES source (id),
    site                  text NOT NULL,
    instrument            text,
    status                text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    start_time            timestamptz NOT NULL,
    end_time              timestamptz,
    notes                 text,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CHECK (end_time IS NULL OR end_time >= start_time)
);
CREATE INDEX executed_obs_unit_start_time ON executed_obs_unit (start_time);
CREATE INDEX executed_obs_unit_status ON executed_obs_unit (status);

CREATE TABLE raw_data_package (
    id                    uuid PRIMARY KEY,
    executed_obs_unit_id  uuid NOT NULL REFERENCES executed_obs_unit (id),
    name                  text NOT NULL,
    state                 text NOT NULL CHECK (state IN ('building', 'complete', 'transferring', 'archived', 'failed')),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX raw_data_package_unit ON raw_data_package (executed_obs_unit_id);

CREATE TABLE raw_data_file (
    id                   uuid PRIMARY KEY,
    raw_data_package_id  uuid NOT NULL REFERENCES raw_data_package (id),
    path                 text NOT NULL,
    size_bytes           bigint NOT NULL CHECK (size_bytes >= 0),
    checksum             text,
    created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX raw_data_file_package ON raw_data_file (raw_data_package_id);

CREATE TABLE app_user (
    id          uuid PRIMARY KEY,
    username    text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_token (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES app_user (id),
    token_hash  text NOT NULL UNIQUE,
    role        text NOT NULL CHECK (role IN ('admin', 'observer', 'service', 'viewer')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
