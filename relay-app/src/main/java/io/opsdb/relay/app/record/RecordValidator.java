package io.opsdb.relay.app.record;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import org.springframework.stereotype.Component;

import io.opsdb.relay.app.read.EntityReader;
import io.opsdb.relay.app.web.RequestFields;
import io.opsdb.relay.app.web.RequestProblem.FieldError;
import io.opsdb.relay.app.web.StorableValues;
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
     * the values of the records written so far, and the references already found to exist.
     */
    public static final class Session {
        final List<FieldError> problems = new java.util.ArrayList<>();
        final Map<String, Created> labels = new HashMap<>();
        final Map<String, EntityType> createdIds = new HashMap<>();
        final Map<String, Map<String, Object>> written = new HashMap<>();
        final Map<String, Boolean> known = new HashMap<>();

        public List<FieldError> problems() {
            return problems;
        }

        public void problem(String field, String message) {
            problems.add(new FieldError(field, message));
        }

        /** Records a create so later operations may refer to it by id or label, and check updates against its values. */
        public void created(String label, RecordKind kind, String id, Map<String, Object> values) {
            if (label != null) {
                labels.put(label, new Created(kind.entity(), id));
            }
            createdIds.put(id, kind.entity());
            written.put(id, new HashMap<>(values));
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
        checkOrder(kind, values, values, path, session);
        return values;
    }

    /**
     * The columns an update of record {@code id} sets; at least one. They are checked together with what the record
     * holds (earlier in the session, or at this site) where the schema relates columns, e.g. an end not before its
     * start.
     *
     * @param id the record's id, or null when it is unknown (already reported): the columns are checked alone
     */
    public Map<String, Object> forUpdate(RecordKind kind, String id, Object body, String path, Session session) {
        Map<String, Object> values = forUpdate(kind, body, path, session);
        Map<String, Object> before = id == null ? null : session.written.get(id);
        boolean ordered = kind.rules().values().stream()
                .anyMatch(r -> r.notBefore() != null && (values.containsKey(r.name()) || values.containsKey(r.notBefore())));
        if (id == null || (before == null && !ordered)) {
            return values;
        }
        // Whole records only in the session: what it holds for an id is what a later operation sees.
        Map<String, Object> record = new HashMap<>(before != null ? before : reader.find(kind.entity(), id).orElse(Map.of()));
        record.putAll(values);
        checkOrder(kind, record, values, path, session);
        session.written.put(id, record);
        return values;
    }

    /**
     * Reports each column of {@code record} that is before the column its rule says it must not be before, naming
     * the column the client sent ({@code sent}).
     */
    private static void checkOrder(RecordKind kind, Map<String, Object> record, Map<String, Object> sent, String path,
            Session session) {
        for (FieldRule rule : kind.rules().values()) {
            if (rule.notBefore() == null) {
                continue;
            }
            Optional<Instant> later = instant(record.get(rule.name()));
            Optional<Instant> earlier = instant(record.get(rule.notBefore()));
            if (later.isPresent() && earlier.isPresent() && later.get().isBefore(earlier.get())) {
                if (sent.containsKey(rule.name())) {
                    session.problem(path + rule.name(), "must not be before " + rule.notBefore() + " " + earlier.get());
                }
                else {
                    session.problem(path + rule.notBefore(), "must not be after " + rule.name() + " " + later.get());
                }
            }
        }
    }

    private static Optional<Instant> instant(Object value) {
        return value instanceof String text ? StorableValues.parseInstant(text) : Optional.empty();
    }

    private Map<String, Object> forUpdate(RecordKind kind, Object body, String path, Session session) {
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
                if (rule.notNull()) {
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
                if (rule.maxLength() > 0 && StorableValues.characters(text) > rule.maxLength()) {
                    session.problem(field, "must be at most " + rule.maxLength() + " characters");
                    return null;
                }
                Optional<String> unstorable = StorableValues.textProblem(text);
                if (unstorable.isPresent()) {
                    session.problem(field, unstorable.get());
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
                Optional<Instant> instant = instant(raw);
                if (instant.isEmpty()) {
                    session.problem(field, StorableValues.notAnInstant());
                    return null;
                }
                Optional<String> unstorable = StorableValues.instantProblem(instant.get());
                if (unstorable.isPresent()) {
                    session.problem(field, unstorable.get());
                    return null;
                }
                return instant.get().toString();
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
