package io.opsdb.relay.entity;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.schema.EntityType;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The registry is consistent in itself; {@code EntityRegistrySchemaIT} checks it against a real primary. */
class EntityTableTest {

    static List<EntityTable> tables() {
        return List.copyOf(EntityTable.all());
    }

    @Test
    void everyEntityACommandCanNameHasATableAndOnlyTheUnknownOneHasNone() {
        assertThat(Arrays.stream(EntityType.values())
                        .filter(e -> EntityTable.of(e).isEmpty()))
                .containsExactly(EntityType.UNKNOWN);
        assertThat(EntityTable.all()).extracting(EntityTable::table).doesNotHaveDuplicates();
        EntityTable.all().forEach(t -> assertThat(EntityTable.named(t.table())).contains(t));
        assertThat(EntityTable.named("api_token")).isEmpty();
    }

    @Test
    void observationsAndTheirDataAreCriticalAndReferenceDataIsNot() {
        assertThat(EntityTable.all().stream().filter(EntityTable::critical).map(EntityTable::entity))
                .containsExactlyInAnyOrder(
                        EntityType.EXECUTED_OBS_UNIT, EntityType.RAW_DATA_PACKAGE, EntityType.RAW_DATA_FILE);
    }

    @Test
    void commandsWriteEveryColumnButTheIdAndTheOnesTheDatabaseFills() {
        EntityTable units = EntityTable.of(EntityType.EXECUTED_OBS_UNIT).orElseThrow();
        assertThat(units.columns())
                .extracting(Column::name)
                .containsExactly(
                        "obs_unit_id",
                        "observing_program_id",
                        "source_id",
                        "site",
                        "instrument",
                        "status",
                        "start_time",
                        "end_time",
                        "notes");
        assertThat(units.schemaColumns())
                .extracting(Column::name)
                .startsWith("id")
                .endsWith("created_at", "updated_at");
        assertThat(units.column("created_at")).isEmpty();
        assertThat(units.column("id")).isEmpty();
        assertThat(units.column("site")).get().extracting(Column::origin).isEqualTo(Column.Origin.SITE);
    }

    @ParameterizedTest
    @MethodSource("tables")
    void aClientMustSendEveryNotNullColumnThatHasNoDefault(EntityTable table) {
        for (Column column : table.columns()) {
            boolean filled = column.origin() != Column.Origin.CLIENT || column.createDefault() != null;
            assertThat(column.requiredOnCreate()).as(column.name()).isEqualTo(column.notNull() && !filled);
        }
    }

    @ParameterizedTest
    @MethodSource("tables")
    void eachRuleSitsOnAColumnOfItsKind(EntityTable table) {
        for (Column column : table.schemaColumns()) {
            if (!column.allowed().isEmpty() || column.maxLength() > 0) {
                assertThat(column.type()).as(column.name()).isEqualTo(ColumnType.TEXT);
            }
            if (column.lower() != null || column.upper() != null) {
                assertThat(column.type()).as(column.name()).isIn(ColumnType.BIGINT, ColumnType.DOUBLE);
            }
            if (column.references() != null) {
                assertThat(column.type()).as(column.name()).isEqualTo(ColumnType.UUID);
                assertThat(EntityTable.of(column.references()))
                        .as(column.name())
                        .isPresent();
            }
            if (column.notBefore() != null) {
                assertThat(column.type()).as(column.name()).isEqualTo(ColumnType.TIMESTAMP);
                assertThat(table.column(column.notBefore()))
                        .as(column.name())
                        .get()
                        .extracting(Column::type)
                        .isEqualTo(ColumnType.TIMESTAMP);
            }
            if (column.createDefault() != null && !column.createDefault().isNow()) {
                assertThat(column.allowed())
                        .as(column.name())
                        .contains(column.createDefault().value());
            }
            if (column.createDefault() != null && column.createDefault().isNow()) {
                assertThat(column.type()).as(column.name()).isEqualTo(ColumnType.TIMESTAMP);
            }
        }
    }
}
