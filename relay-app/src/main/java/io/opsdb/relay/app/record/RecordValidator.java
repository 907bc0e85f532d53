package io.opsdb.relay.app.record;

import io.opsdb.relay.app.read.EntityReader;
import io.opsdb.relay.app.web.JsonBindingProblems;
import io.opsdb.relay.app.web.RecordComponents;
import io.opsdb.relay.app.web.RequestFields;
import io.opsdb.relay.app.web.RequestProblem.FieldError;
import io.opsdb.relay.app.web.StorableValues;
import io.opsdb.relay.entity.Column;
import io.opsdb.relay.entity.EntityTable;
import io.opsdb.relay.schema.EntityType;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import jakarta.validation.Validator;
import jakarta.validation.groups.Default;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks a record's fields as a client sent them and turns them into the values a command carries, so bad input is
 * refused (I7) before anything is produced. Their shape (required, lengths, closed sets, ranges) is the request
 * records' Bean Validation constraints; what only this site can tell is checked here, from the columns' definitions
 * in {@link EntityTable}: text and instants PostgreSQL would refuse or alter, an update that empties a {@code NOT NULL}
 * column or ends a record before it starts, and references, against what this site can see (its database with what
 * is in flight on top) and the records created earlier in the same transaction. Every problem is reported at once,
 * one per field.
 */
@Component
public class RecordValidator {

    /** Prefix of a reference to a record created earlier in the same transaction: {@code "$obs"}. */
    public static final String REFERENCE_PREFIX = "$";
    /** How the API describes a field that refers to another record. */
    public static final String REFERENCE_DESCRIPTION =
            "a UUID, or in POST /api/transactions \"$label\" of a record an earlier operation creates";

    private final EntityReader reader;
    private final Validator shapes;
    private final JsonMapper json;

    public RecordValidator(EntityReader reader, Validator shapes, JsonMapper json) {
        this.reader = reader;
        this.shapes = shapes;
        this.json = json;
    }

    /**
     * The state of one validation: the problems found so far, the records created so far by label and id,
     * the values of the records written so far, and the references already found to exist.
     */
    public static final class Session {
        final List<FieldError> problems = new ArrayList<>();
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
        public void created(String label, EntityType entity, String id, Map<String, Object> values) {
            if (label != null) {
                labels.put(label, new Created(entity, id));
            }
            createdIds.put(id, entity);
            written.put(id, new HashMap<>(values));
        }

        /** The id a client wrote, resolving {@code $label}; null with a problem when it is unknown. */
        public String resolve(String field, String idOrLabel, EntityType expected) {
            if (idOrLabel.startsWith(REFERENCE_PREFIX)) {
                Created created = labels.get(idOrLabel.substring(REFERENCE_PREFIX.length()));
                if (created == null) {
                    problem(
                            field,
                            "refers to " + idOrLabel + ", which no earlier operation of this transaction created");
                    return null;
                }
                if (created.entity != expected) {
                    problem(field, "refers to " + idOrLabel + ", which is not a " + name(expected));
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

        record Created(EntityType entity, String id) {}
    }

    /**
     * Checks {@code request}'s own constraints (Bean Validation) in {@code groups}, each problem named by its field
     * under {@code path}; nested records are checked where they are bound, with their own path.
     *
     * @return the names of {@code request}'s fields that have a problem
     */
    public Set<String> shape(Object request, String path, Session session, Class<?>... groups) {
        Set<String> refused = new HashSet<>();
        shape(request, path, session, refused, groups);
        return refused;
    }

    private void shape(Object request, String path, Session session, Set<String> refused, Class<?>... groups) {
        List<String> order = request instanceof Record r ? RecordComponents.names(r.getClass()) : List.of();
        List<ConstraintViolation<Object>> violations = new ArrayList<>(shapes.validate(request, groups));
        violations.sort(Comparator.comparingInt((ConstraintViolation<Object> v) -> order.indexOf(firstNode(v)))
                .thenComparing(v -> v.getPropertyPath().toString()));
        for (ConstraintViolation<Object> violation : violations) {
            // One problem per field, as a client fixes one thing at a time in a field.
            if (refused.add(firstNode(violation))) {
                session.problem(path + violation.getPropertyPath(), violation.getMessage());
            }
        }
    }

    /**
     * The shape of a record of some of an entity's columns: its own constraints (a narrower set of values), then the
     * ones the entity's values record ({@link EntityRecords#valuesOf}) gives each column, which are the API's rules for
     * that column wherever it is written.
     */
    private Set<String> columnShape(
            Record values, EntityTable table, String path, Session session, Class<?>... groups) {
        Set<String> refused = new HashSet<>();
        shape(values, path, session, refused, groups);
        Class<? extends Record> entityValues = EntityRecords.valuesOf(table.entity());
        if (entityValues != values.getClass()) {
            shape(
                    RecordComponents.construct(entityValues, RecordComponents.values(values)),
                    path,
                    session,
                    refused,
                    groups);
        }
        return refused;
    }

    /** The field of the record itself a violation is about ({@code files} for {@code files[3].size_bytes}). */
    private static String firstNode(ConstraintViolation<?> violation) {
        Iterator<Path.Node> nodes = violation.getPropertyPath().iterator();
        return nodes.hasNext() ? nodes.next().getName() : "";
    }

    /**
     * {@code values} (a JSON object of a transaction's operation) bound to {@code type}; a body that is absent or
     * {@code null} binds to a record without fields. Null, with a problem, when it does not bind.
     */
    public <R extends Record> R bind(JsonNode values, Class<R> type, String path, Session session) {
        if (values == null || values.isNull()) {
            return RecordComponents.construct(type, Map.of());
        }
        if (!values.isObject()) {
            session.problem(path.substring(0, path.length() - 1), "must be a JSON object");
            return null;
        }
        try {
            return json.treeToValue(values, type);
        } catch (JacksonException e) {
            session.problems.add(JsonBindingProblems.of(e, path)
                    .orElseGet(() -> new FieldError(path.substring(0, path.length() - 1), "must be a JSON object")));
            return null;
        }
    }

    /** Every column of a new record, defaults applied; absent optional fields are null. */
    public Map<String, Object> forCreate(Record values, String path, Session session) {
        EntityTable table = EntityRecords.tableOf(values.getClass());
        int first = session.problems.size();
        Set<String> refused = columnShape(values, table, path, session, Default.class, OnCreate.class);
        Map<String, Object> sent = RecordComponents.values(values);
        Map<String, Object> row = new LinkedHashMap<>();
        for (Column column : table.columns()) {
            if (column.origin() != Column.Origin.CLIENT) {
                continue; // set by the server (the site)
            }
            Object raw = sent.get(column.name());
            if (refused.contains(column.name())) {
                row.put(column.name(), null);
            } else if (raw == null) {
                row.put(column.name(), createDefault(column));
            } else {
                row.put(column.name(), value(table, column, raw, path + column.name(), session));
            }
        }
        checkOrder(table, row, row, path, session);
        inColumnOrder(session, first, table, path);
        return row;
    }

    /**
     * The columns an update of record {@code id} sets: the fields the client sent ({@code sent}; null ones empty their
     * column), at least one. They are checked together with what the record holds (earlier in the session, or at this
     * site) where the schema relates columns, e.g. an end not before its start.
     *
     * @param id the record's id, or null when it is unknown (already reported): the columns are checked alone
     */
    public Map<String, Object> forUpdate(Record values, Set<String> sent, String id, String path, Session session) {
        EntityTable table = EntityRecords.tableOf(values.getClass());
        int first = session.problems.size();
        Set<String> refused = columnShape(values, table, path, session, Default.class);
        if (sent.isEmpty()) {
            session.problem(path.isEmpty() ? "body" : path.substring(0, path.length() - 1), "sets no field");
        }
        Map<String, Object> fields = RecordComponents.values(values);
        Map<String, Object> changed = new LinkedHashMap<>();
        for (Column column : table.columns()) {
            if (!sent.contains(column.name())) {
                continue;
            }
            Object raw = fields.get(column.name());
            if (raw == null || refused.contains(column.name())) {
                if (raw == null && column.notNull()) {
                    session.problem(path + column.name(), "must not be null");
                }
                changed.put(column.name(), null);
                continue;
            }
            changed.put(column.name(), value(table, column, raw, path + column.name(), session));
        }
        boolean ordered = table.columns().stream()
                .anyMatch(c ->
                        c.notBefore() != null && (changed.containsKey(c.name()) || changed.containsKey(c.notBefore())));
        Map<String, Object> before = id == null ? null : session.written.get(id);
        if (id != null && (before != null || ordered)) {
            // Whole records only in the session: what it holds for an id is what a later operation sees.
            Map<String, Object> record = new HashMap<>(
                    before != null ? before : reader.find(table.entity(), id).orElse(Map.of()));
            record.putAll(changed);
            checkOrder(table, record, changed, path, session);
            session.written.put(id, record);
        }
        inColumnOrder(session, first, table, path);
        return changed;
    }

    /** The columns of the fields {@code values} has (the others are null), checked as an update's; the valid ones. */
    public Map<String, Object> forChange(Record values, String path, Session session) {
        EntityTable table = EntityRecords.tableOf(values.getClass());
        int first = session.problems.size();
        Set<String> refused = columnShape(values, table, path, session, Default.class);
        Map<String, Object> changed = new LinkedHashMap<>();
        RecordComponents.values(values).forEach((name, raw) -> {
            Object value = raw == null || refused.contains(name)
                    ? null
                    : value(table, table.column(name).orElseThrow(), raw, path + name, session);
            if (value != null) {
                changed.put(name, value);
            }
        });
        inColumnOrder(session, first, table, path);
        return changed;
    }

    /** Sorts the problems one record added (from {@code first} on) by their columns' order in the table. */
    private static void inColumnOrder(Session session, int first, EntityTable table, String path) {
        List<String> columns = table.columns().stream().map(Column::name).toList();
        session.problems.subList(first, session.problems.size()).sort(Comparator.comparingInt(problem -> {
            String field = problem.field().startsWith(path) ? problem.field().substring(path.length()) : "";
            return columns.indexOf(field);
        }));
    }

    /**
     * Reports each column of {@code record} that is before the column its definition says it must not be before,
     * naming the column the client sent ({@code sent}).
     */
    private static void checkOrder(
            EntityTable table, Map<String, Object> record, Map<String, Object> sent, String path, Session session) {
        for (Column column : table.columns()) {
            if (column.notBefore() == null) {
                continue;
            }
            Optional<Instant> later = instant(record.get(column.name()));
            Optional<Instant> earlier = instant(record.get(column.notBefore()));
            if (later.isPresent() && earlier.isPresent() && later.get().isBefore(earlier.get())) {
                if (sent.containsKey(column.name())) {
                    session.problem(
                            path + column.name(), "must not be before " + column.notBefore() + " " + earlier.get());
                } else {
                    session.problem(
                            path + column.notBefore(), "must not be after " + column.name() + " " + later.get());
                }
            }
        }
    }

    private static Optional<Instant> instant(Object value) {
        return value instanceof String text ? StorableValues.parseInstant(text) : Optional.empty();
    }

    /** True when the record exists here (database and in flight) or was created earlier in the session. */
    public boolean exists(EntityType entity, String id, Session session) {
        if (session.createdIds.get(id) == entity) {
            return true;
        }
        return session.known.computeIfAbsent(
                entity + ":" + id, key -> reader.find(entity, id).isPresent());
    }

    /** A value of the column's type (its shape already checked), as a command carries it; null with a problem. */
    private Object value(EntityTable table, Column column, Object raw, String field, Session session) {
        switch (column.type()) {
            case TEXT -> {
                Optional<String> unstorable = StorableValues.textProblem((String) raw);
                if (unstorable.isPresent()) {
                    session.problem(field, unstorable.get());
                    return null;
                }
                return raw;
            }
            case UUID -> {
                EntityType expected = column.references() == null ? table.entity() : column.references();
                String id = session.resolve(field, (String) raw, expected);
                if (id != null && column.references() != null && !exists(column.references(), id, session)) {
                    session.problem(field, "no " + name(column.references()) + " " + id);
                }
                return id;
            }
            case TIMESTAMP -> {
                Instant instant = (Instant) raw;
                Optional<String> unstorable = StorableValues.instantProblem(instant);
                if (unstorable.isPresent()) {
                    session.problem(field, unstorable.get());
                    return null;
                }
                return instant.toString();
            }
            case BIGINT, DOUBLE, BOOLEAN -> {
                return raw;
            }
            default -> throw new IllegalStateException("unhandled column type " + column.type());
        }
    }

    private static Object createDefault(Column column) {
        if (column.createDefault() == null) {
            return null;
        }
        return column.createDefault().isNow()
                ? Instant.now().truncatedTo(ChronoUnit.MICROS).toString()
                : column.createDefault().value();
    }

    private static String name(EntityType entity) {
        return EntityTable.of(entity).orElseThrow().table();
    }
}
