package io.opsdb.relay.app.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntityReaderReplayTest {

    private static Operation op(OperationType type, Map<String, Object> values) {
        return Operation.newBuilder()
                .setType(type)
                .setEntity(EntityType.EXECUTED_OBS_UNIT)
                .setRecordId("r1")
                .setValues(values)
                .build();
    }

    @Test
    void replaysCreateUpdateDeleteInOrder() {
        Map<String, Object> created = new HashMap<>();
        created.put("obs_unit_id", "u1");
        created.put("status", "running");
        Map<String, Object> row = EntityReader.replay(null, op(OperationType.CREATE, created));
        assertThat(row)
                .containsEntry("id", "r1")
                .containsEntry("status", "running")
                .containsEntry("end_time", null)
                .containsKeys("obs_unit_id", "source_id", "start_time");

        row = EntityReader.replay(row, op(OperationType.UPDATE, Map.of("status", "completed")));
        assertThat(row).containsEntry("status", "completed").containsEntry("obs_unit_id", "u1");

        assertThat(EntityReader.replay(row, op(OperationType.DELETE, Map.of()))).isNull();
    }

    @Test
    void replayingACreateOverTheReplicaRowGivesTheSameRecord() {
        Map<String, Object> created = new HashMap<>(Map.of("obs_unit_id", "u1", "status", "running"));
        Map<String, Object> fromOverlay = EntityReader.replay(null, op(OperationType.CREATE, created));
        Map<String, Object> replicaRow = new HashMap<>(fromOverlay);

        assertThat(EntityReader.replay(replicaRow, op(OperationType.CREATE, created)))
                .isEqualTo(fromOverlay);
    }

    @Test
    void anUpdateOfNothingStaysNothing() {
        assertThat(EntityReader.replay(null, op(OperationType.UPDATE, Map.of("status", "completed"))))
                .isNull();
    }
}
