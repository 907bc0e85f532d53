package io.opsdb.relay.entity;

import static io.opsdb.relay.entity.Column.bigint;
import static io.opsdb.relay.entity.Column.doublePrecision;
import static io.opsdb.relay.entity.Column.text;
import static io.opsdb.relay.entity.Column.timestamp;
import static io.opsdb.relay.entity.Column.uuid;

import io.opsdb.relay.schema.EntityType;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The entities the relay writes, each a table of the primary with its columns: the one definition of the domain's
 * vocabulary. The applier binds commands' values by it, the API validates and describes records by it, reads select
 * by it, and {@code EntityRegistrySchemaIT} compares it with the Flyway schema of a real primary (types, {@code NOT
 * NULL}, {@code CHECK}s, foreign keys). It is also the only source of table and column names in SQL that commands
 * drive: a name that is not here is refused, never spliced into a statement.
 */
public final class EntityTable {

    /** Every table's primary key. */
    public static final Column ID =
            new Column("id", ColumnType.UUID, true, Column.Origin.KEY, List.of(), null, null, null, null, 0, null);

    private static final Map<EntityType, EntityTable> TABLES = new EnumMap<>(EntityType.class);

    static {
        define(
                EntityType.OBSERVING_PROGRAM,
                "observing_program",
                false,
                text("code").notNull().maxLength(64),
                text("title").maxLength(500),
                text("pi_name").maxLength(200),
                timestamp("created_at").notNull().filledByDatabase());
        define(
                EntityType.SOURCE,
                "source",
                false,
                text("name").notNull().maxLength(200),
                doublePrecision("ra_deg").atLeast(0).below(360),
                doublePrecision("dec_deg").atLeast(-90).atMost(90),
                timestamp("created_at").notNull().filledByDatabase());
        define(
                EntityType.EXECUTED_OBS_UNIT,
                "executed_obs_unit",
                true,
                text("obs_unit_id").notNull().maxLength(200),
                uuid("observing_program_id").references(EntityType.OBSERVING_PROGRAM),
                uuid("source_id").references(EntityType.SOURCE),
                text("site").notNull().setBySite(),
                text("instrument").maxLength(100),
                text("status").notNull().oneOf("running", "completed", "failed").createdAs("running"),
                timestamp("start_time").notNull().createdAsNow(),
                timestamp("end_time").notBefore("start_time"),
                text("notes").maxLength(4000),
                timestamp("created_at").notNull().filledByDatabase(),
                timestamp("updated_at").notNull().filledByDatabase());
        define(
                EntityType.RAW_DATA_PACKAGE,
                "raw_data_package",
                true,
                uuid("executed_obs_unit_id").notNull().references(EntityType.EXECUTED_OBS_UNIT),
                text("name").notNull().maxLength(200),
                text("state")
                        .notNull()
                        .oneOf("building", "complete", "transferring", "archived", "failed")
                        .createdAs("building"),
                timestamp("created_at").notNull().filledByDatabase(),
                timestamp("updated_at").notNull().filledByDatabase());
        define(
                EntityType.RAW_DATA_FILE,
                "raw_data_file",
                true,
                uuid("raw_data_package_id").notNull().references(EntityType.RAW_DATA_PACKAGE),
                text("path").notNull().maxLength(1024),
                bigint("size_bytes").notNull().atLeast(0),
                text("checksum").maxLength(128),
                timestamp("created_at").notNull().filledByDatabase());
    }

    private final EntityType entity;
    private final String table;
    private final boolean critical;
    private final List<Column> schemaColumns;
    private final Map<String, Column> written;

    private EntityTable(EntityType entity, String table, boolean critical, List<Column> schemaColumns) {
        this.entity = entity;
        this.table = table;
        this.critical = critical;
        this.schemaColumns = List.copyOf(schemaColumns);
        Map<String, Column> byName = new LinkedHashMap<>();
        schemaColumns.stream().filter(c -> c.origin() != Column.Origin.DATABASE).forEach(c -> byName.put(c.name(), c));
        this.written = Collections.unmodifiableMap(byName);
    }

    private static void define(EntityType entity, String table, boolean critical, Column.Builder... columns) {
        List<Column> built = Arrays.stream(columns).map(Column.Builder::build).toList();
        TABLES.put(entity, new EntityTable(entity, table, critical, built));
    }

    /** The table of an entity; empty for {@link EntityType#UNKNOWN} (a newer writer's entity). */
    public static Optional<EntityTable> of(EntityType entity) {
        return Optional.ofNullable(TABLES.get(entity));
    }

    /** The entity whose table (and name in the API) is {@code table}. */
    public static Optional<EntityTable> named(String table) {
        return TABLES.values().stream().filter(t -> t.table.equals(table)).findFirst();
    }

    /** Every entity, in the order of {@link EntityType}. */
    public static Collection<EntityTable> all() {
        return Collections.unmodifiableCollection(TABLES.values());
    }

    public EntityType entity() {
        return entity;
    }

    /** The table name, which is also the entity's name in the API; its primary key is always {@link #ID}. */
    public String table() {
        return table;
    }

    /**
     * Critical records (observations and their data) are buffered at a secondary and never refused for the WAN;
     * the others (reference data) go straight to the primary.
     */
    public boolean critical() {
        return critical;
    }

    /** The columns commands write besides {@code id}, in schema order. */
    public List<Column> columns() {
        return List.copyOf(written.values());
    }

    /** A column commands write, by name; empty for {@code id}, the columns the database fills and unknown names. */
    public Optional<Column> column(String name) {
        return Optional.ofNullable(written.get(name));
    }

    /** Every column of the table as the schema has it, {@link #ID} first, the ones the database fills included. */
    public List<Column> schemaColumns() {
        return Stream.concat(Stream.of(ID), schemaColumns.stream()).toList();
    }
}
