package io.opsdb.relay.entity;

import io.opsdb.relay.schema.EntityType;
import java.util.List;
import java.util.Objects;

/**
 * A column of an entity's table: what the primary's schema says of it (type, {@code NOT NULL}, a {@code CHECK} on its
 * values, a foreign key) and what the API adds to that (the longest text it accepts, the value a create fills in when
 * the client sends none). {@code EntityRegistrySchemaIT} checks the schema's part against the Flyway migrations of a
 * real primary.
 *
 * @param name the column's name, also the field's name in requests, responses and commands
 * @param type its SQL type
 * @param notNull {@code NOT NULL} in the schema
 * @param origin who writes it
 * @param allowed the values a {@code CHECK (column IN (...))} allows, in the schema's order; empty when unchecked
 * @param lower the lower bound a {@code CHECK} sets on a number, or null
 * @param upper the upper bound a {@code CHECK} sets on a number, or null
 * @param references the entity a foreign key refers to, or null
 * @param notBefore the column of the same row this instant must not be before ({@code CHECK (c IS NULL OR c >= other)}),
 *        or null
 * @param maxLength the most characters (code points) the API accepts in this text, 0 for no limit; the column itself
 *        is unbounded {@code text}
 * @param createDefault what a create stores when the client sends no value, or null for none
 */
public record Column(
        String name,
        ColumnType type,
        boolean notNull,
        Origin origin,
        List<String> allowed,
        Bound lower,
        Bound upper,
        EntityType references,
        String notBefore,
        int maxLength,
        CreateDefault createDefault) {

    /** Who writes a column. */
    public enum Origin {
        /** The record's id, its primary key: chosen by the site that accepts the create, never sent by a client. */
        KEY,
        /** A client sends it. */
        CLIENT,
        /** The site that accepts the write sets it, to its own name. */
        SITE,
        /** The database fills it ({@code DEFAULT now()}); no command writes it. */
        DATABASE
    }

    /** A bound a {@code CHECK} sets on a number. */
    public record Bound(double value, boolean inclusive) {}

    /** What a create stores in a column the client left out: a fixed value, or the time of the request. */
    public record CreateDefault(String value) {

        /** The instant the API accepts the write, at the database's microsecond precision. */
        public static final CreateDefault NOW = new CreateDefault(null);

        public boolean isNow() {
            return value == null;
        }
    }

    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(origin, "origin");
        allowed = List.copyOf(allowed);
    }

    /** A client must send it when it creates a record: {@code NOT NULL}, written by clients, and with no default. */
    public boolean requiredOnCreate() {
        return notNull && origin == Origin.CLIENT && createDefault == null;
    }

    static Builder text(String name) {
        return new Builder(name, ColumnType.TEXT);
    }

    static Builder uuid(String name) {
        return new Builder(name, ColumnType.UUID);
    }

    static Builder timestamp(String name) {
        return new Builder(name, ColumnType.TIMESTAMP);
    }

    static Builder bigint(String name) {
        return new Builder(name, ColumnType.BIGINT);
    }

    static Builder doublePrecision(String name) {
        return new Builder(name, ColumnType.DOUBLE);
    }

    /** How {@link EntityTable} states its columns, one fact per call. */
    static final class Builder {
        private final String name;
        private final ColumnType type;
        private boolean notNull;
        private Origin origin = Origin.CLIENT;
        private List<String> allowed = List.of();
        private Bound lower;
        private Bound upper;
        private EntityType references;
        private String notBefore;
        private int maxLength;
        private CreateDefault createDefault;

        private Builder(String name, ColumnType type) {
            this.name = name;
            this.type = type;
        }

        Builder notNull() {
            this.notNull = true;
            return this;
        }

        Builder setBySite() {
            this.origin = Origin.SITE;
            return this;
        }

        Builder filledByDatabase() {
            this.origin = Origin.DATABASE;
            return this;
        }

        Builder oneOf(String... values) {
            this.allowed = List.of(values);
            return this;
        }

        Builder atLeast(double value) {
            this.lower = new Bound(value, true);
            return this;
        }

        Builder below(double value) {
            this.upper = new Bound(value, false);
            return this;
        }

        Builder atMost(double value) {
            this.upper = new Bound(value, true);
            return this;
        }

        Builder references(EntityType entity) {
            this.references = entity;
            return this;
        }

        Builder notBefore(String column) {
            this.notBefore = column;
            return this;
        }

        Builder maxLength(int characters) {
            this.maxLength = characters;
            return this;
        }

        Builder createdAs(String value) {
            this.createDefault = new CreateDefault(value);
            return this;
        }

        Builder createdAsNow() {
            this.createDefault = CreateDefault.NOW;
            return this;
        }

        Column build() {
            return new Column(
                    name,
                    type,
                    notNull,
                    origin,
                    allowed,
                    lower,
                    upper,
                    references,
                    notBefore,
                    maxLength,
                    createDefault);
        }
    }
}
