package io.opsdb.relay.app.record;

import io.opsdb.relay.app.web.ColumnsOf;
import io.opsdb.relay.entity.EntityTable;
import io.opsdb.relay.schema.EntityType;
import java.util.Map;
import java.util.Optional;

/** The record each entity's fields bind to when a client writes them, and the table a values record belongs to. */
public final class EntityRecords {

    private static final Map<EntityType, Class<? extends Record>> VALUES = Map.of(
            EntityType.EXECUTED_OBS_UNIT, ExecutedObsUnitValues.class,
            EntityType.RAW_DATA_PACKAGE, RawDataPackageValues.class,
            EntityType.RAW_DATA_FILE, RawDataFileValues.class,
            EntityType.OBSERVING_PROGRAM, ObservingProgramValues.class,
            EntityType.SOURCE, SourceValues.class);

    private EntityRecords() {}

    /** The record a client's fields of {@code entity} bind to. */
    public static Class<? extends Record> valuesOf(EntityType entity) {
        return Optional.ofNullable(VALUES.get(entity))
                .orElseThrow(() -> new IllegalArgumentException("no values of " + entity));
    }

    /** The table whose columns {@code type}'s components are ({@link ColumnsOf}). */
    public static EntityTable tableOf(Class<?> type) {
        ColumnsOf columns = type.getAnnotation(ColumnsOf.class);
        if (columns == null) {
            throw new IllegalArgumentException(type + " is not annotated @ColumnsOf");
        }
        return EntityTable.of(columns.value()).orElseThrow();
    }
}
