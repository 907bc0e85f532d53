package io.opsdb.relay.main.internal.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsdb.relay.entity.ColumnType;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BoundOperationTest {

    private static final String ID = "0b7e5f6a-7b8c-4e8a-9d1b-7f2c1b4e3a4d";

    private static Operation op(OperationType type, EntityType entity, Map<String, Object> values) {
        return Operation.newBuilder()
                .setType(type)
                .setEntity(entity)
                .setRecordId(ID)
                .setValues(values)
                .build();
    }

    @Test
    void insertNamesColumnsInSchemaOrderWhateverTheMapOrder() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("status", "running");
        a.put("obs_unit_id", "u1");
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("obs_unit_id", "u2");
        b.put("status", "running");

        BoundOperation first = BoundOperation.of(op(OperationType.CREATE, EntityType.EXECUTED_OBS_UNIT, a));
        BoundOperation second = BoundOperation.of(op(OperationType.CREATE, EntityType.EXECUTED_OBS_UNIT, b));

        assertThat(first.sql())
                .isEqualTo("INSERT INTO executed_obs_unit (id, obs_unit_id, status) "
                        + "VALUES (CAST(? AS uuid), CAST(? AS text), CAST(? AS text))");
        assertThat(second.sql()).isEqualTo(first.sql());
        assertThat(first.values()).containsExactly(ID, "u1", "running");
        assertThat(first.mustTouchOneRow()).isFalse();
    }

    @Test
    void updateSetsOnlyTheGivenColumnsAndMustFindItsRecord() {
        Map<String, Object> values = new HashMap<>();
        values.put("end_time", "2026-01-01T00:00:00Z");
        values.put("status", "completed");

        BoundOperation update = BoundOperation.of(op(OperationType.UPDATE, EntityType.EXECUTED_OBS_UNIT, values));

        assertThat(update.sql())
                .isEqualTo("UPDATE executed_obs_unit SET status = CAST(? AS text), "
                        + "end_time = CAST(? AS timestamptz) WHERE id = CAST(? AS uuid)");
        assertThat(update.values()).containsExactly("completed", "2026-01-01T00:00:00Z", ID);
        assertThat(update.types()).containsExactly(ColumnType.TEXT, ColumnType.TIMESTAMP, ColumnType.UUID);
        assertThat(update.mustTouchOneRow()).isTrue();
    }

    @Test
    void deleteByIdOnly() {
        BoundOperation delete = BoundOperation.of(op(OperationType.DELETE, EntityType.RAW_DATA_FILE, Map.of()));
        assertThat(delete.sql()).isEqualTo("DELETE FROM raw_data_file WHERE id = CAST(? AS uuid)");
        assertThat(delete.values()).containsExactly(ID);
    }

    @Test
    void refusesWhatTheSchemaDoesNotHave() {
        assertThatThrownBy(() -> BoundOperation.of(op(
                        OperationType.CREATE,
                        EntityType.EXECUTED_OBS_UNIT,
                        Map.of("status; DROP TABLE relay_ledger", "x"))))
                .isInstanceOf(InvalidCommandException.class)
                .hasMessageContaining("unknown column");
        assertThatThrownBy(() -> BoundOperation.of(op(OperationType.CREATE, EntityType.UNKNOWN, Map.of())))
                .isInstanceOf(InvalidCommandException.class)
                .hasMessageContaining("unknown entity");
        assertThatThrownBy(() -> BoundOperation.of(
                        op(OperationType.CREATE, EntityType.RAW_DATA_FILE, Map.of("size_bytes", "big"))))
                .isInstanceOf(InvalidCommandException.class)
                .hasMessageContaining("size_bytes wants Long");
        assertThatThrownBy(() -> BoundOperation.of(op(OperationType.UPDATE, EntityType.EXECUTED_OBS_UNIT, Map.of())))
                .isInstanceOf(InvalidCommandException.class)
                .hasMessageContaining("sets no column");
        Operation badId = Operation.newBuilder()
                .setType(OperationType.DELETE)
                .setEntity(EntityType.SOURCE)
                .setRecordId("1; --")
                .setValues(Map.of())
                .build();
        assertThatThrownBy(() -> BoundOperation.of(badId))
                .isInstanceOf(InvalidCommandException.class)
                .hasMessageContaining("not a UUID");
    }
}
