package io.opsdb.relay.main.internal.apply;

import io.opsdb.relay.entity.Column;
import io.opsdb.relay.entity.ColumnType;
import io.opsdb.relay.entity.EntityTable;
import io.opsdb.relay.schema.Operation;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One operation of a command as a parameterised statement. Table and column names come only from
 * {@link EntityTable}; values are always bound, never spliced. Operations with the same {@link #sql()}
 * share a JDBC batch.
 *
 * @param sql the statement text
 * @param types the SQL type of each parameter
 * @param values the parameters
 * @param mustTouchOneRow an update or delete of a record that does not exist is an invalid command
 * @param target {@code table id}, for error messages
 */
record BoundOperation(String sql, List<ColumnType> types, List<Object> values, boolean mustTouchOneRow, String target) {

    static BoundOperation of(Operation operation) {
        EntityTable table = EntityTable.of(operation.getEntity())
                .orElseThrow(() -> new InvalidCommandException("unknown entity " + operation.getEntity()));
        String id = requireUuid(operation.getRecordId(), "record id");
        String target = table.table() + " " + id;
        Map<String, Object> values = operation.getValues();
        return switch (operation.getType()) {
            case CREATE -> insert(table, id, values, target);
            case UPDATE -> update(table, id, values, target);
            case DELETE ->
                new BoundOperation(
                        "DELETE FROM " + table.table() + " WHERE id = CAST(? AS uuid)",
                        List.of(ColumnType.UUID),
                        List.of(id),
                        true,
                        target);
        };
    }

    private static BoundOperation insert(EntityTable table, String id, Map<String, Object> values, String target) {
        List<Column> columns = checkedColumns(table, values, target);
        StringBuilder names = new StringBuilder("id");
        StringBuilder params = new StringBuilder("CAST(? AS uuid)");
        List<ColumnType> types = new ArrayList<>(List.of(ColumnType.UUID));
        List<Object> bound = new ArrayList<>();
        bound.add(id);
        for (Column column : columns) {
            names.append(", ").append(column.name());
            params.append(", CAST(? AS ").append(column.type().sqlType()).append(')');
            types.add(column.type());
            bound.add(values.get(column.name()));
        }
        String sql = "INSERT INTO " + table.table() + " (" + names + ") VALUES (" + params + ")";
        return new BoundOperation(sql, types, bound, false, target);
    }

    private static BoundOperation update(EntityTable table, String id, Map<String, Object> values, String target) {
        List<Column> columns = checkedColumns(table, values, target);
        if (columns.isEmpty()) {
            throw new InvalidCommandException("update of " + target + " sets no column");
        }
        StringBuilder sets = new StringBuilder();
        List<ColumnType> types = new ArrayList<>();
        List<Object> bound = new ArrayList<>();
        for (Column column : columns) {
            sets.append(sets.isEmpty() ? "" : ", ")
                    .append(column.name())
                    .append(" = CAST(? AS ")
                    .append(column.type().sqlType())
                    .append(')');
            types.add(column.type());
            bound.add(values.get(column.name()));
        }
        types.add(ColumnType.UUID);
        bound.add(id);
        String sql = "UPDATE " + table.table() + " SET " + sets + " WHERE id = CAST(? AS uuid)";
        return new BoundOperation(sql, types, bound, true, target);
    }

    /** The columns the values name, in schema order (so equal shapes give equal SQL), each value type-checked. */
    private static List<Column> checkedColumns(EntityTable table, Map<String, Object> values, String target) {
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            Column column = table.column(entry.getKey())
                    .orElseThrow(() -> new InvalidCommandException(target + ": unknown column " + entry.getKey()));
            Object value = entry.getValue();
            if (value != null && !compatible(column.type(), value)) {
                throw new InvalidCommandException(target + ": column " + column.name() + " wants "
                        + column.type().valueType().getSimpleName() + ", got "
                        + value.getClass().getSimpleName());
            }
        }
        return table.columns().stream()
                .filter(c -> values.containsKey(c.name()))
                .toList();
    }

    private static boolean compatible(ColumnType type, Object value) {
        return type.valueType().isInstance(value) || (type == ColumnType.DOUBLE && value instanceof Long);
    }

    static String requireUuid(String text, String what) {
        try {
            if (text != null && UUID.fromString(text).toString().equalsIgnoreCase(text)) {
                return text;
            }
        } catch (IllegalArgumentException e) {
            // fall through to the uniform message
        }
        throw new InvalidCommandException(what + " is not a UUID: '" + text + "'");
    }

    void bind(PreparedStatement statement) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            Object value = values.get(i);
            int index = i + 1;
            if (value == null) {
                // Every parameter is CAST to its column type, so an untyped null is enough.
                statement.setNull(index, Types.VARCHAR);
                continue;
            }
            switch (types.get(i)) {
                case BIGINT -> statement.setLong(index, (Long) value);
                case DOUBLE -> statement.setDouble(index, ((Number) value).doubleValue());
                case BOOLEAN -> statement.setBoolean(index, (Boolean) value);
                default -> statement.setString(index, (String) value);
            }
        }
    }
}
