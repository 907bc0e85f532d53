package io.opsdb.relay.app.record;

import java.util.Set;

import io.opsdb.relay.schema.EntityType;

/**
 * What the API accepts for one column, on top of its SQL type: required on create, a closed set of
 * values, a length or a range, a reference to another record, a default, an instant not before another
 * column's (a table CHECK the primary would otherwise refuse the write for).
 */
record FieldRule(String name, boolean required, int maxLength, Set<String> allowed, Double min, Double max,
        boolean maxExclusive, EntityType references, String defaultValue, boolean defaultsToNow, String notBefore) {

    static FieldRule field(String name) {
        return new FieldRule(name, false, 0, Set.of(), null, null, false, null, null, false, null);
    }

    FieldRule mandatory() {
        return new FieldRule(name, true, maxLength, allowed, min, max, maxExclusive, references, defaultValue, defaultsToNow, notBefore);
    }

    FieldRule maxLength(int length) {
        return new FieldRule(name, required, length, allowed, min, max, maxExclusive, references, defaultValue, defaultsToNow, notBefore);
    }

    FieldRule oneOf(String fallback, String... values) {
        return new FieldRule(name, required, maxLength, Set.of(values), min, max, maxExclusive, references, fallback, defaultsToNow, notBefore);
    }

    FieldRule range(double low, double high, boolean highExclusive) {
        return new FieldRule(name, required, maxLength, allowed, low, high, highExclusive, references, defaultValue, defaultsToNow, notBefore);
    }

    FieldRule references(EntityType entity) {
        return new FieldRule(name, required, maxLength, allowed, min, max, maxExclusive, entity, defaultValue, defaultsToNow, notBefore);
    }

    FieldRule defaultingToNow() {
        return new FieldRule(name, required, maxLength, allowed, min, max, maxExclusive, references, defaultValue, true, notBefore);
    }

    /**
     * True when the column is NOT NULL in the primary's schema: required, or filled with a default on create (an
     * update may not set it to null either).
     */
    boolean notNull() {
        return required || defaultValue != null || defaultsToNow;
    }

    /** The instant in this column must not be before the one in {@code column} of the same record. */
    FieldRule notBefore(String column) {
        return new FieldRule(name, required, maxLength, allowed, min, max, maxExclusive, references, defaultValue, defaultsToNow, column);
    }
}
