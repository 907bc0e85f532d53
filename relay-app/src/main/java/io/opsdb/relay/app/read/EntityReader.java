package io.opsdb.relay.app.read;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.opsdb.relay.entity.Column;
import io.opsdb.relay.entity.EntityTable;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.secondary.transaction.TransactionTracker;
import io.opsdb.relay.site.spring.SiteBeans;

/**
 * Reads a record as this site's clients must see it: the replica's row with every in-flight operation
 * on it replayed on top, in the site's order. Values are in the form commands carry them (timestamps as
 * ISO-8601 instants in UTC), so a record looks the same before and after it reaches the replica.
 */
@Component
public class EntityReader {

    private final JdbcTemplate replica;
    private final TransactionTracker tracker;

    /** At a main site there is no tracker and nothing in flight: reads are the primary's rows. */
    public EntityReader(@Qualifier(SiteBeans.LOCAL + "Jdbc") JdbcTemplate replica, ObjectProvider<TransactionTracker> tracker) {
        this.replica = replica;
        this.tracker = tracker.getIfAvailable();
    }

    public Optional<Map<String, Object>> find(EntityType entity, String id) {
        EntityTable table = EntityTable.of(entity).orElseThrow();
        // The overlay first: whatever leaves it afterwards is on the replica by the time we read it.
        List<Operation> inFlight = tracker == null ? List.of() : tracker.inFlightOperations(id);
        String columns = table.columns().stream().map(Column::name).collect(Collectors.joining(", "));
        List<Map<String, Object>> rows = replica.query(
                "SELECT id, " + columns + " FROM " + table.table() + " WHERE id = CAST(? AS uuid)",
                (rs, n) -> row(table, rs), id);
        Map<String, Object> row = rows.isEmpty() ? null : rows.get(0);
        for (Operation op : inFlight) {
            row = replay(row, op);
        }
        return Optional.ofNullable(row);
    }

    static Map<String, Object> replay(Map<String, Object> row, Operation op) {
        return switch (op.getType()) {
            case CREATE -> {
                Map<String, Object> created = new LinkedHashMap<>();
                created.put("id", op.getRecordId());
                EntityTable.of(op.getEntity()).orElseThrow().columns()
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
