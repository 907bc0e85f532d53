package io.opsdb.relay.app.read;

import io.opsdb.relay.entity.Column;
import io.opsdb.relay.entity.EntityTable;
import io.opsdb.relay.role.InFlightOverlay;
import io.opsdb.relay.role.SiteRole;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;
import io.opsdb.relay.site.spring.SiteBeans;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Reads a record as this site's clients must see it: the replica's row with every in-flight operation
 * on it replayed on top, in the site's order. Values are in the form commands carry them (timestamps as
 * ISO-8601 instants in UTC), so a record looks the same before and after it reaches the replica.
 */
@Component
public class EntityReader {

    private final JdbcTemplate replica;
    private final InFlightOverlay overlay;

    /** At a main site nothing is in flight ({@link InFlightOverlay#NONE}): reads are the primary's rows. */
    public EntityReader(@Qualifier(SiteBeans.LOCAL + "Jdbc") JdbcTemplate replica, SiteRole role) {
        this.replica = replica;
        this.overlay = role.overlay();
    }

    public Optional<Map<String, Object>> find(EntityType entity, String id) {
        EntityTable table = EntityTable.of(entity).orElseThrow();
        // The overlay first: whatever leaves it afterwards is on the replica by the time we read it.
        List<Operation> inFlight = overlay.operations(id);
        Map<String, Object> row = null;
        // A record created in flight is wholly in the overlay (a create replaces whatever it finds): the replica
        // is not asked, so such reads go on while it is down or far behind.
        if (inFlight.isEmpty() || inFlight.get(0).getType() != OperationType.CREATE) {
            String columns = table.columns().stream().map(Column::name).collect(Collectors.joining(", "));
            List<Map<String, Object>> rows = replica.query(
                    "SELECT id, " + columns + " FROM " + table.table() + " WHERE id = CAST(? AS uuid)",
                    (rs, n) -> row(table, rs),
                    id);
            row = rows.isEmpty() ? null : rows.get(0);
        }
        for (Operation op : inFlight) {
            row = replay(row, op);
        }
        return Optional.ofNullable(row);
    }

    /**
     * Records of one entity whose columns equal {@code filters}, merged with what is in flight, ordered by
     * {@code orderBy} (then id), one page of them.
     */
    public List<Map<String, Object>> list(
            EntityType entity, Map<String, Object> filters, String orderBy, boolean descending, int limit, int offset) {
        EntityTable table = EntityTable.of(entity).orElseThrow();
        Set<String> inFlight = overlay.recordIds(entity);
        // In-flight records first (see find): their replayed state is what counts for them.
        Map<String, Map<String, Object>> merged = new LinkedHashMap<>();
        for (String id : inFlight) {
            find(entity, id).filter(row -> matches(row, filters)).ifPresent(row -> merged.put(id, row));
        }
        StringBuilder sql = new StringBuilder("SELECT id, ")
                .append(table.columns().stream().map(Column::name).collect(Collectors.joining(", ")))
                .append(" FROM ")
                .append(table.table())
                .append(" WHERE true");
        List<Object> args = new ArrayList<>();
        for (Map.Entry<String, Object> filter : filters.entrySet()) {
            Column column = table.column(filter.getKey()).orElseThrow();
            sql.append(" AND ")
                    .append(column.name())
                    .append(" = CAST(? AS ")
                    .append(column.type().sqlType())
                    .append(')');
            args.add(filter.getValue());
        }
        Column order = table.column(orderBy).orElseThrow();
        sql.append(" ORDER BY ")
                .append(order.name())
                .append(descending ? " DESC" : " ASC")
                .append(", id LIMIT ?");
        args.add(offset + limit + inFlight.size());
        for (Map<String, Object> row : replica.query(sql.toString(), (rs, n) -> row(table, rs), args.toArray())) {
            merged.putIfAbsent((String) row.get("id"), row);
        }
        Comparator<Map<String, Object>> byOrder = Comparator.comparing(
                (Map<String, Object> row) -> sortKey(row.get(orderBy)),
                Comparator.nullsLast(Comparator.naturalOrder()));
        if (descending) {
            byOrder = Comparator.comparing(
                    (Map<String, Object> row) -> sortKey(row.get(orderBy)),
                    Comparator.nullsFirst(
                            Comparator.<Comparable<Object>>naturalOrder().reversed()));
        }
        return merged.values().stream()
                .sorted(byOrder.thenComparing(row -> (String) row.get("id")))
                .skip(offset)
                .limit(limit)
                .toList();
    }

    private static boolean matches(Map<String, Object> row, Map<String, Object> filters) {
        for (Map.Entry<String, Object> filter : filters.entrySet()) {
            if (!Objects.equals(row.get(filter.getKey()), filter.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** Timestamps sort as instants (their text does not sort chronologically), the rest as they are. */
    @SuppressWarnings("unchecked")
    private static Comparable<Object> sortKey(Object value) {
        if (value instanceof String text && text.length() >= 20 && text.charAt(10) == 'T' && text.endsWith("Z")) {
            try {
                return (Comparable<Object>) (Comparable<?>) Instant.parse(text);
            } catch (DateTimeParseException e) {
                // not a timestamp after all
            }
        }
        return (Comparable<Object>) value;
    }

    static Map<String, Object> replay(Map<String, Object> row, Operation op) {
        return switch (op.getType()) {
            case CREATE -> {
                Map<String, Object> created = new LinkedHashMap<>();
                created.put("id", op.getRecordId());
                EntityTable.of(op.getEntity())
                        .orElseThrow()
                        .columns()
                        .forEach(c -> created.put(c.name(), op.getValues().get(c.name())));
                yield created;
            }
            case UPDATE -> {
                if (row == null) {
                    yield null;
                }
                Map<String, Object> updated = new LinkedHashMap<>(row);
                updated.putAll(op.getValues());
                yield updated;
            }
            case DELETE -> null;
        };
    }

    private static Map<String, Object> row(EntityTable table, ResultSet rs) throws SQLException {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", rs.getString("id"));
        for (Column column : table.columns()) {
            Object value = switch (column.type()) {
                case TIMESTAMP -> {
                    OffsetDateTime t = rs.getObject(column.name(), OffsetDateTime.class);
                    yield t == null ? null : t.toInstant().toString();
                }
                case BIGINT -> {
                    long v = rs.getLong(column.name());
                    yield rs.wasNull() ? null : v;
                }
                case DOUBLE -> {
                    double v = rs.getDouble(column.name());
                    yield rs.wasNull() ? null : v;
                }
                case BOOLEAN -> {
                    boolean v = rs.getBoolean(column.name());
                    yield rs.wasNull() ? null : v;
                }
                default -> rs.getString(column.name());
            };
            row.put(column.name(), value);
        }
        return row;
    }
}
