package io.opsdb.relay.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.app.record.EntityRecords;
import io.opsdb.relay.app.record.ExecutedObsUnitValues;
import io.opsdb.relay.app.record.ObservingProgramValues;
import io.opsdb.relay.app.record.OnCreate;
import io.opsdb.relay.app.record.RawDataFileValues;
import io.opsdb.relay.app.record.RawDataPackageValues;
import io.opsdb.relay.app.record.SourceValues;
import io.opsdb.relay.app.web.ColumnsOf;
import io.opsdb.relay.app.web.OneOf;
import io.opsdb.relay.app.web.RecordComponents;
import io.opsdb.relay.app.web.Text;
import io.opsdb.relay.entity.Column;
import io.opsdb.relay.entity.ColumnType;
import io.opsdb.relay.entity.EntityTable;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API's request and response records say of each field what the entity registry says of its column: its name and
 * type, whether a create needs it, its length, its values, its range. The registry is the definition; these records
 * are how the API spells it for Jackson, Bean Validation and OpenAPI, and this keeps them in step.
 */
class ApiRecordsMatchRegistryTest {

    /** Records clients send, each naming some of its entity's columns. */
    static Stream<Class<? extends Record>> requests() {
        return Stream.of(
                ExecutedObsUnitValues.class,
                RawDataPackageValues.class,
                RawDataFileValues.class,
                ObservingProgramValues.class,
                SourceValues.class,
                ObsUnitStart.class,
                FinishRequest.class,
                FinalizeRequest.class);
    }

    /** Records the API answers reads with: the id and every column commands write, in schema order. */
    static Stream<Class<? extends Record>> responses() {
        return Stream.of(
                ExecutedObsUnit.class, RawDataPackage.class, RawDataFile.class, ObservingProgram.class, Source.class);
    }

    @Test
    void eachEntitysValuesNameEveryColumnAClientWritesInSchemaOrder() {
        for (EntityTable table : EntityTable.all()) {
            Class<? extends Record> values = EntityRecords.valuesOf(table.entity());
            assertThat(EntityRecords.tableOf(values)).isSameAs(table);
            assertThat(RecordComponents.names(values))
                    .as(values.getSimpleName())
                    .containsExactlyElementsOf(table.columns().stream()
                            .filter(c -> c.origin() == Column.Origin.CLIENT)
                            .map(Column::name)
                            .toList());
        }
    }

    @ParameterizedTest
    @MethodSource("requests")
    void aRequestsFieldsAreClientColumnsOfTheirType(Class<? extends Record> request) throws Exception {
        EntityTable table = EntityRecords.tableOf(request);
        for (RecordComponent component : request.getRecordComponents()) {
            String name = RecordComponents.jsonName(request, component.getName());
            String where = request.getSimpleName() + "." + name;
            Column column = table.column(name)
                    .orElseThrow(() -> new AssertionError(where + " is no column of " + table.table()));
            assertThat(column.origin()).as(where).isEqualTo(Column.Origin.CLIENT);
            assertThat(component.getType()).as(where).isEqualTo(javaType(column.type()));
        }
    }

    @ParameterizedTest
    @MethodSource("entities")
    void anEntitysValuesCarryEachColumnsLengthValuesRangeAndWhetherACreateNeedsIt(EntityTable table) throws Exception {
        Class<? extends Record> values = EntityRecords.valuesOf(table.entity());
        for (RecordComponent component : values.getRecordComponents()) {
            String name = RecordComponents.jsonName(values, component.getName());
            String where = values.getSimpleName() + "." + name;
            Field field = values.getDeclaredField(component.getName());
            Column column = table.column(name).orElseThrow();
            Text text = field.getAnnotation(Text.class);
            boolean freeText =
                    column.type() == ColumnType.TEXT && column.allowed().isEmpty();
            assertThat(text != null).as(where + " @Text").isEqualTo(freeText);
            if (text != null) {
                assertThat(text.maxLength()).as(where + " maxLength").isEqualTo(column.maxLength());
            }
            OneOf oneOf = field.getAnnotation(OneOf.class);
            assertThat(oneOf == null ? List.of() : List.of(oneOf.value()))
                    .as(where + " values")
                    .isEqualTo(column.allowed());
            NotNull required = field.getAnnotation(NotNull.class);
            boolean requiredOnCreate =
                    required != null && Arrays.asList(required.groups()).contains(OnCreate.class);
            assertThat(requiredOnCreate).as(where + " required on create").isEqualTo(column.requiredOnCreate());
            assertRange(where, field, column);
        }
    }

    @ParameterizedTest
    @MethodSource("requests")
    void aRequestWithSomeOfAnEntitysFieldsOnlyNarrowsTheirValues(Class<? extends Record> request) throws Exception {
        EntityTable table = EntityRecords.tableOf(request);
        if (EntityRecords.valuesOf(table.entity()) == request) {
            return;
        }
        for (Field field : request.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            String where = request.getSimpleName() + "." + field.getName();
            assertThat(field.getAnnotation(Text.class)).as(where).isNull();
            assertThat(field.getAnnotation(NotNull.class)).as(where).isNull();
            assertThat(field.getAnnotation(Min.class)).as(where).isNull();
            OneOf oneOf = field.getAnnotation(OneOf.class);
            if (oneOf != null) {
                Column column = table.column(RecordComponents.jsonName(request, field.getName()))
                        .orElseThrow();
                assertThat(column.allowed()).as(where).containsAll(Arrays.asList(oneOf.value()));
            }
        }
    }

    static Stream<EntityTable> entities() {
        return EntityTable.all().stream();
    }

    @ParameterizedTest
    @MethodSource("responses")
    void aResponseHasTheIdAndEveryWrittenColumnInSchemaOrder(Class<? extends Record> response) {
        EntityTable table =
                EntityTable.of(response.getAnnotation(ColumnsOf.class).value()).orElseThrow();
        List<String> expected = new ArrayList<>(List.of(EntityTable.ID.name()));
        table.columns().forEach(c -> expected.add(c.name()));
        if (response == RawDataPackage.class) {
            expected.add("files");
        }
        assertThat(RecordComponents.names(response)).containsExactlyElementsOf(expected);
        for (RecordComponent component : response.getRecordComponents()) {
            String name = RecordComponents.jsonName(response, component.getName());
            table.column(name)
                    .ifPresent(c -> assertThat(component.getType()).as(name).isEqualTo(javaType(c.type())));
        }
    }

    @Test
    void aTransactionWritesTheCriticalEntitiesAndOnlyThose() throws Exception {
        OneOf entities = TransactionRequest.OperationRequest.class
                .getDeclaredField("entity")
                .getAnnotation(OneOf.class);
        assertThat(entities.value())
                .containsExactlyInAnyOrderElementsOf(EntityTable.all().stream()
                        .filter(EntityTable::critical)
                        .map(EntityTable::table)
                        .toList());
    }

    private static void assertRange(String where, Field field, Column column) {
        DecimalMin decimalMin = field.getAnnotation(DecimalMin.class);
        Min min = field.getAnnotation(Min.class);
        DecimalMax decimalMax = field.getAnnotation(DecimalMax.class);
        Column.Bound lower = decimalMin != null
                ? new Column.Bound(Double.parseDouble(decimalMin.value()), decimalMin.inclusive())
                : min != null ? new Column.Bound(min.value(), true) : null;
        Column.Bound upper = decimalMax != null
                ? new Column.Bound(Double.parseDouble(decimalMax.value()), decimalMax.inclusive())
                : null;
        assertThat(lower).as(where + " lower bound").isEqualTo(column.lower());
        assertThat(upper).as(where + " upper bound").isEqualTo(column.upper());
    }

    private static Class<?> javaType(ColumnType type) {
        return Map.of(
                        ColumnType.TEXT,
                        String.class,
                        ColumnType.UUID,
                        String.class,
                        ColumnType.TIMESTAMP,
                        Instant.class,
                        ColumnType.BIGINT,
                        Long.class,
                        ColumnType.DOUBLE,
                        Double.class,
                        ColumnType.BOOLEAN,
                        Boolean.class)
                .get(type);
    }
}
