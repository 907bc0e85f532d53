package io.opsdb.relay.app.record;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.opsdb.relay.entity.EntityTable;
import io.opsdb.relay.schema.EntityType;

/**
 * The records the API writes, with the rules their fields follow. Column names and SQL types come from
 * {@link EntityTable}; this adds what a client may and must send.
 */
public enum RecordKind {

    EXECUTED_OBS_UNIT("executed_obs_unit", EntityType.EXECUTED_OBS_UNIT, true,
            FieldRule.field("obs_unit_id").mandatory().maxLength(200),
            FieldRule.field("observing_program_id").references(EntityType.OBSERVING_PROGRAM),
            FieldRule.field("source_id").references(EntityType.SOURCE),
            FieldRule.field("instrument").maxLength(100),
            FieldRule.field("status").oneOf("running", "running", "completed", "failed"),
            FieldRule.field("start_time").defaultingToNow(),
            // CHECK (end_time IS NULL OR end_time >= start_time) in the primary's schema.
            FieldRule.field("end_time").notBefore("start_time"),
            FieldRule.field("notes").maxLength(4000)),
    RAW_DATA_PACKAGE("raw_data_package", EntityType.RAW_DATA_PACKAGE, true,
            FieldRule.field("executed_obs_unit_id").mandatory().references(EntityType.EXECUTED_OBS_UNIT),
            FieldRule.field("name").mandatory().maxLength(200),
            FieldRule.field("state").oneOf("building", "building", "complete", "transferring", "archived", "failed")),
    RAW_DATA_FILE("raw_data_file", EntityType.RAW_DATA_FILE, true,
            FieldRule.field("raw_data_package_id").mandatory().references(EntityType.RAW_DATA_PACKAGE),
            FieldRule.field("path").mandatory().maxLength(1024),
            FieldRule.field("size_bytes").mandatory().range(0, Long.MAX_VALUE, false),
            FieldRule.field("checksum").maxLength(128)),
    OBSERVING_PROGRAM("observing_program", EntityType.OBSERVING_PROGRAM, false,
            FieldRule.field("code").mandatory().maxLength(64),
            FieldRule.field("title").maxLength(500),
            FieldRule.field("pi_name").maxLength(200)),
    SOURCE("source", EntityType.SOURCE, false,
            FieldRule.field("name").mandatory().maxLength(200),
            FieldRule.field("ra_deg").range(0, 360, true),
            FieldRule.field("dec_deg").range(-90, 90, false));

    private final String wireName;
    private final EntityType entity;
    private final boolean critical;
    private final Map<String, FieldRule> rules = new LinkedHashMap<>();

    RecordKind(String wireName, EntityType entity, boolean critical, FieldRule... rules) {
        this.wireName = wireName;
        this.entity = entity;
        this.critical = critical;
        Arrays.stream(rules).forEach(r -> this.rules.put(r.name(), r));
    }

    /** The name clients use for it, in paths and in {@code POST /api/transactions}. */
    public String wireName() {
        return wireName;
    }

    public EntityType entity() {
        return entity;
    }

    public EntityTable table() {
        return EntityTable.of(entity).orElseThrow();
    }

    /** Critical records are buffered at a secondary; the others (reference data) go straight to the primary. */
    public boolean isCritical() {
        return critical;
    }

    Map<String, FieldRule> rules() {
        return rules;
    }

    public static Optional<RecordKind> byWireName(String name) {
        return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst();
    }

    public static RecordKind of(EntityType entity) {
        return Arrays.stream(values()).filter(k -> k.entity == entity).findFirst().orElseThrow();
    }
}
