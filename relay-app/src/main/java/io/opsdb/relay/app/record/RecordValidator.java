package io.opsdb.relay.app.record;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.springframework.stereotype.Component;

import io.opsdb.relay.app.read.EntityReader;
import io.opsdb.relay.app.web.RequestFields;
import io.opsdb.relay.app.web.RequestProblem.FieldError;
import io.opsdb.relay.entity.Column;
import io.opsdb.relay.schema.EntityType;

/**
 * Checks a record's fields as a client sent them and turns them into the values a command carries, so
 * bad input is refused (I7) before anything is produced. References are checked against what this site
 * can see: its database with what is in flight on top, and the records created earlier in the same
 * transaction.
 */
@Component
public class RecordValidator {

    /** Prefix of a reference to a record created earlier in the same transaction: {@code "$obs"}. */
    public static final String REFERENCE_PREFIX = "$";

    private final EntityReader reader;

    public RecordValidator(EntityReader reader) {
        this.reader = reader;
    }

    /**
     * The state of one validation: the problems found so far, the records created so far by label and id,
     * and the references already found to exist.
     */
    public static final class Session {
        final List<FieldError> problems = new java.util.ArrayList<>();
        final Map<String, Created> labels = new HashMap<>();
        final Map<String, EntityType> createdIds = new HashMap<>();
        final Map<String, Boolean> known = new HashMap<>();

        public List<FieldError> problems() {
            return problems;
        }

        public void problem(String field, String message) {
            problems.add(new FieldError(field, message));
        }

        /** Records a create so later operations may refer to it by id or label. */
        public void created(String label, RecordKind kind, String id) {
            if (label != null) {
                labels.put(label, new Created(kind.entity(), id));
            }
            createdIds.put(id, kind.entity());
        }

        /** The id a client wrote, resolving {@code $label}; null with a problem when it is unknown. */
        public String resolve(String field, String idOrLabel, EntityType expected) {
            if (idOrLabel.startsWith(REFERENCE_PREFIX)) {
                Created created = labels.get(idOrLabel.substring(REFERENCE_PREFIX.length()));
                if (created == null) {
                    problem(field, "refers to " + idOrLabel + ", which no earlier operation of this transaction created");
                    return null;
                }
                if (created.entity != expected) {
                    problem(field, "refers to " + idOrLabel + ", which is not a " + RecordKind.of(expected).wireName());
                    return null;
                }
                return created.id;
            }
            if (!RequestFields.isUuid(idOrLabel)) {
                problem(field, "must be a UUID or a $label of an earlier operation");
                return null;
            }
            return idOrLabel.toLowerCase();
        }

        record Created(EntityType entity, String id) {
        }
    }

    /** Every column of a new record, defaults applied; absent optional fields are null. */
    public Map<String, Object> forCreate(RecordKind kind, Object body, String path, Session session) {
        return forCreate(kind, kind.rules().keySet(), body, path, session);
    }

    /**
     * As {@link #forCreate(RecordKind, Object, String, Session)}, for an endpoint that lets a client set only
     * some fields (e.g. a start sets no status): the others take their defaults.
     */
    public Map<String, Object> forCreate(RecordKind kind, java.util.Set<String> accepted, Object body, String path,
            Session session) {
        Map<String, Object> fields = object(body, path, session);
        if (fields == null) {
            return Map.of();
        }
        checkUnknown(accepted, fields, path, session);
        Map<String, Object> values = new LinkedHashMap<>();
        for (Column column : kind.table().columns()) {
            FieldRule rule = kind.rules().get(column.name());
            if (rule == null) {
                continue; // set by the server (e.g. site)
            }
            Object raw = fields.get(column.name());
            if (raw == null) {
                if (rule.required()) {
                    session.problem(path + column.name(), "is required");
                }
                values.put(column.name(), rule.defaultsToNow() ? now() : rule.defaultValue());
                continue;
            }
            values.put(column.name(), value(kind, column, rule, raw, path + column.name(), session));
        }
        return values;
    }

    /** The columns an update sets; at least one. */
    public Map<String, Object> forUpdate(RecordKind kind, Object body, String path, Session session) {
        Map<String, Object> fields = object(body, path, session);
        if (fields == null) {
            return Map.of();
        }
        checkUnknown(kind.rules().keySet(), fields, path, session);
        if (fields.isEmpty()) {
            session.problem(path.isEmpty() ? "body" : path.substring(0, path.length() - 1), "sets no field");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            FieldRule rule = kind.rules().get(field.getKey());
            if (rule == null) {
                continue;
            }
            Column column = kind.table().column(field.getKey()).orElseThrow();
            if (field.getValue() == null) {
                if (rule.required()) {
                    session.problem(path + field.getKey(), "must not be null");
                }
                values.put(field.getKey(), null);
                continue;
            }
            values.put(field.getKey(), value(kind, column, rule, field.getValue(), path + field.getKey(), session));
        }
        return values;
    }

    /** True when the record exists here (database and in flight) or was created earlier in the session. */
    public boolean exists(EntityType entity, String id, Session session) {
        if (session.createdIds.get(id) == entity) {
            return true;
        }
        return session.known.computeIfAbsent(entity + ":" + id, key -> reader.find(entity, id).isPresent());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object body, String path, Session session) {
        if (body == null) {
            return new HashMap<>();
        }
        if (!(body instanceof Map<?, ?> map)) {
            session.problem(path.isEmpty() ? "body" : path.substring(0, path.length() - 1), "must be a JSON object");
            return null;
        }
        return (Map<String, Object>) map;
    }

    private static void checkUnknown(java.util.Set<String> accepted, Map<String, Object> fields, String path, Session session) {
        for (String name : new TreeSet<>(fields.keySet())) {
            if (!accepted.contains(name)) {
                session.problem(path + name, "unknown field; allowed: " + String.join(", ", new TreeSet<>(accepted)));
            }
        }
    }

    private Object value(RecordKind kind, Column column, FieldRule rule, Object raw, String field, Session session) {
        switch (column.type()) {
            case TEXT -> {
                if (!(raw instanceof String text)) {
                    session.problem(field, "must be a string");
                    return null;
                }
                if (text.isBlank()) {
                    session.problem(field, "must not be blank");
                    return null;
                }
                if (rule.maxLength() > 0 && text.length() > rule.maxLength()) {
                    session.problem(field, "must be at most " + rule.maxLength() + " characters");
                    return null;
                }
                if (!rule.allowed().isEmpty() && !rule.allowed().contains(text)) {
                    session.problem(field, "must be one of " + String.join(", ", new TreeSet<>(rule.allowed())));
                    return null;
                }
                return text;
            }
            case UUID -> {
                if (!(raw instanceof String text)) {
                    session.problem(field, "must be a UUID string");
                    return null;
                }
                String id = session.resolve(field, text, rule.references() == null ? kind.entity() : rule.references());
                if (id != null && rule.references() != null && !exists(rule.references(), id, session)) {
                    session.problem(field, "no " + RecordKind.of(rule.references()).wireName() + " " + id);
                }
                return id;
            }
            case TIMESTAMP -> {
                if (raw instanceof String text) {
                    try {
                        return Instant.parse(text).truncatedTo(ChronoUnit.MICROS).toString();
                    }
                    catch (DateTimeParseException e) {
                        // reported below
                    }
                }
                session.problem(field, "must be an ISO-8601 instant such as 2026-01-31T22:15:00Z");
                return null;
            }
            case BIGINT -> {
                if (!(raw instanceof Integer || raw instanceof Long)) {
                    session.problem(field, "must be a whole number");
                    return null;
                }
                long value = ((Number) raw).longValue();
                if (rule.min() != null && value < rule.min()) {
                    session.problem(field, "must not be less than " + rule.min().longValue());
                    return null;
                }
                return value;
            }
            case DOUBLE -> {
                if (!(raw instanceof Number number) || !Double.isFinite(number.doubleValue())) {
                    session.problem(field, "must be a number");
                    return null;
                }
                double value = number.doubleValue();
                boolean tooHigh = rule.max() != null && (rule.maxExclusive() ? value >= rule.max() : value > rule.max());
                if ((rule.min() != null && value < rule.min()) || tooHigh) {
                    session.problem(field, "must be from " + rule.min() + " to " + rule.max() + (rule.maxExclusive() ? " (exclusive)" : ""));
                    return null;
                }
                return value;
            }
            case BOOLEAN -> {
                if (!(raw instanceof Boolean)) {
                    session.problem(field, "must be true or false");
                    return null;
                }
                return raw;
            }
            default -> throw new IllegalStateException("unhandled column type " + column.type());
        }
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS).toString();
    }
}
