package io.opsdb.relay.entity;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.opsdb.relay.schema.EntityType;

/**
 * The tables a {@code WriteCommand} may write and the columns of each, as the main site's schema
 * defines them. The only source of table and column names in SQL that commands drive: a name that is
 * not here is refused, never spliced into a statement.
 */
public final class EntityTable {

    private static final Map<EntityType, EntityTable> TABLES = new EnumMap<>(EntityType.class);

    static {
        define(EntityType.OBSERVING_PROGRAM, "observing_program",
                col("code", ColumnType.TEXT), col("title", ColumnType.TEXT), col("pi_name", ColumnType.TEXT));
        define(EntityType.SOURCE, "source",
                col("name", ColumnType.TEXT), col("ra_deg", ColumnType.DOUBLE), col("dec_deg", ColumnType.DOUBLE));
        define(EntityType.EXECUTED_OBS_UNIT, "executed_obs_unit",
                col("obs_unit_id", ColumnType.TEXT), col("observing_program_id", ColumnType.UUID),
                col("source_id", ColumnType.UUID), col("site", ColumnType.TEXT), col("instrument", ColumnType.TEXT),
                col("status", ColumnType.TEXT), col("start_time", ColumnType.TIMESTAMP),
                col("end_time", ColumnType.TIMESTAMP), col("notes", ColumnType.TEXT));
        define(EntityType.RAW_DATA_PACKAGE, "raw_data_package",
                col("executed_obs_unit_id", ColumnType.UUID), col("name", ColumnType.TEXT),
                col("state", ColumnType.TEXT));
        define(EntityType.RAW_DATA_FILE, "raw_data_file",
                col("raw_data_package_id", ColumnType.UUID), col("path", ColumnType.TEXT),
                col("size_bytes", ColumnType.BIGINT), col("checksum", ColumnType.TEXT));
    }

    private final EntityType entity;
    private final String table;
    private final Map<String, Column> columns;

    private EntityTable(EntityType entity, String table, Map<String, Column> columns) {
        this.entity = entity;
        this.table = table;
        this.columns = Collections.unmodifiableMap(columns);
    }

    private static Column col(String name, ColumnType type) {
        return new Column(name, type);
    }

    private static void define(EntityType entity, String table, Column... columns) {
        Map<String, Column> byName = new LinkedHashMap<>();
        Arrays.stream(columns).forEach(c -> byName.put(c.name(), c));
        TABLES.put(entity, new EntityTable(entity, table, byName));
    }

    /** The table of an entity; empty for {@link EntityType#UNKNOWN} (a newer writer's entity). */
    public static Optional<EntityTable> of(EntityType entity) {
        return Optional.ofNullable(TABLES.get(entity));
    }

    public EntityType entity() {
        return entity;
    }

    /** The table name; its primary key is always {@code id uuid}. */
    public String table() {
        return table;
    }

    /** The writable columns besides {@code id}, in schema order. */
    public List<Column> columns() {
        return List.copyOf(columns.values());
    }

    public Optional<Column> column(String name) {
        return Optional.ofNullable(columns.get(name));
    }
}
