package io.opsdb.relay.app.record;

import java.util.Set;

import io.opsdb.relay.schema.EntityType;

/**
 * What the API accepts for one column, on top of its SQL type: required on create, a closed set of
 * values, a length or a range, a reference to another record, a default.
 */
record FieldRule(String name, boolean required, int maxLength, Set<String> allowed, Double min, Double max,
        boolean maxExclusive, EntityType references, String defaultValue, boolean defaultsToNow) {

    static FieldRule field(String name) {
        return new FieldRule(name, false, 0, Set.of(), null, null, false, null, null, false);
    }

    FieldRule mandatory() {
        return new FieldRule(name, true, maxLength, allowed, min, max, maxExclusive, references, defaultValue, defaultsToNow);
    }

    FieldRule maxLength(int length) {
        return new FieldRule(name, required, length, allowed, min, max, maxExclusive, references, defaultValue, defaultsToNow);
    }

    FieldRule oneOf(String fallback, String... values) {
        return new FieldRule(name, required, maxLength, Set.of(values), min, max, maxExclusive, references, fallback, defaultsToNow);
    }

    FieldRule range(double low, double high, boolean highExclusive) {
        return new FieldRule(name, required, maxLength, allowed, low, high, highExclusive, references, defaultValue, defaultsToNow);
    }

    FieldRule references(EntityType entity) {
        return new FieldRule(name, required, maxLength, allowed, min, max, maxExclusive, entity, defaultValue, defaultsToNow);
    }

    FieldRule defaultingToNow() {
        return new FieldRule(name, required, maxLength, allowed, min, max, maxExclusive, references, defaultValue, true);
    }
}
