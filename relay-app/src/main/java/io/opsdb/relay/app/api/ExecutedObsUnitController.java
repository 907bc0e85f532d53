package io.opsdb.relay.app.api;

import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.opsdb.relay.app.web.Paging;

import io.opsdb.relay.app.read.EntityReader;
import io.opsdb.relay.app.record.RecordKind;
import io.opsdb.relay.app.record.RecordValidator;
import io.opsdb.relay.app.record.RecordWrites;
import io.opsdb.relay.app.web.RequestFields;
import io.opsdb.relay.app.web.RequestProblem;
import io.opsdb.relay.role.WriteKind;
import io.opsdb.relay.role.WriteResult;
import io.opsdb.relay.app.write.WriteRouter;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;

/**
 * Executed observation units at a secondary site: starting and finishing one are critical writes,
 * buffered and answered as soon as the local broker has them; reading one merges the replica with what
 * is in flight.
 */
@RestController
class ExecutedObsUnitController {

    private static final Set<String> START_FIELDS =
            Set.of("obs_unit_id", "observing_program_id", "source_id", "instrument", "start_time", "notes");
    private static final Set<String> FINISH_FIELDS = Set.of("status", "end_time", "notes");
    private static final Set<String> FINISHED_STATUSES = Set.of("completed", "failed");
    private static final Set<String> ALL_STATUSES = Set.of("running", "completed", "failed");

    private final WriteRouter writes;
    private final RecordWrites records;
    private final EntityReader reader;

    ExecutedObsUnitController(WriteRouter writes, RecordWrites records, EntityReader reader) {
        this.writes = writes;
        this.records = records;
        this.reader = reader;
    }

    @PostMapping("/executed_obs_units/start")
    ResponseEntity<Map<String, Object>> start(@RequestBody Map<String, Object> body) {
        // The same rules as every other create (RecordKind), references included; a start sets no status.
        RecordValidator.Session session = new RecordValidator.Session();
        Map<String, Object> values = records.validator().forCreate(RecordKind.EXECUTED_OBS_UNIT, START_FIELDS, body, "", session);
        RecordWrites.throwIfInvalid(session);
        String id = RecordWrites.newId();
        WriteResult tx = records.write(List.of(records.create(RecordKind.EXECUTED_OBS_UNIT, id, values)), WriteKind.CRITICAL);
        return ResponseEntity.created(URI.create("/executed_obs_units/" + id)).body(accepted(tx, id));
    }

    @PutMapping("/executed_obs_units/{id}/finish")
    ResponseEntity<Map<String, Object>> finish(@PathVariable String id,
            @RequestBody(required = false) Map<String, Object> body) {
        if (!RequestFields.isUuid(id)) {
            throw RequestProblem.invalid("id", "must be a UUID");
        }
        RequestFields fields = new RequestFields(body, FINISH_FIELDS);
        String status = fields.oneOf("status", FINISHED_STATUSES, "completed");
        Instant endTime = fields.instant("end_time");
        String notes = fields.text("notes", false, 4000);
        fields.throwIfInvalid();

        Map<String, Object> unit = reader.find(EntityType.EXECUTED_OBS_UNIT, id.toLowerCase())
                .orElseThrow(() -> RequestProblem.notFound("executed obs unit " + id));
        if (!"running".equals(unit.get("status"))) {
            throw RequestProblem.conflict("Executed obs unit " + id + " is already " + unit.get("status") + ".");
        }
        Instant end = endTime != null ? endTime : now();
        if (end.isBefore(Instant.parse((String) unit.get("start_time")))) {
            fields.reject("end_time", "must not be before start_time " + unit.get("start_time"));
            fields.throwIfInvalid();
        }
        Map<String, Object> values = new HashMap<>();
        values.put("status", status);
        values.put("end_time", end.toString());
        if (notes != null) {
            values.put("notes", notes);
        }
        WriteResult tx = writes.write(List.of(operation(OperationType.UPDATE, id.toLowerCase(), values)), WriteKind.CRITICAL);
        return ResponseEntity.status(201).body(accepted(tx, id.toLowerCase()));
    }

    /** Newest first; every filter is an exact match. */
    @GetMapping("/executed_obs_units")
    List<Map<String, Object>> list(@RequestParam(required = false) String status, @RequestParam(required = false) String site,
            @RequestParam(required = false) String instrument, @RequestParam(name = "obs_unit_id", required = false) String obsUnitId,
            @RequestParam(name = "observing_program_id", required = false) String programId,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) Integer offset) {
        Map<String, Object> query = new HashMap<>();
        putIfPresent(query, "status", status);
        putIfPresent(query, "site", site);
        putIfPresent(query, "instrument", instrument);
        putIfPresent(query, "obs_unit_id", obsUnitId);
        putIfPresent(query, "observing_program_id", programId);
        RequestFields fields = new RequestFields(query, query.keySet());
        fields.oneOf("status", ALL_STATUSES, null);
        fields.uuid("observing_program_id");
        fields.throwIfInvalid();
        Paging page = Paging.of(limit, offset);
        Map<String, Object> filters = new HashMap<>(query);
        if (programId != null) {
            filters.put("observing_program_id", programId.toLowerCase());
        }
        return reader.list(EntityType.EXECUTED_OBS_UNIT, filters, "start_time", true, page.limit(), page.offset());
    }

    private static void putIfPresent(Map<String, Object> query, String name, String value) {
        if (value != null) {
            query.put(name, value);
        }
    }

    @GetMapping("/executed_obs_units/{id}")
    Map<String, Object> get(@PathVariable String id) {
        if (!RequestFields.isUuid(id)) {
            throw RequestProblem.invalid("id", "must be a UUID");
        }
        return reader.find(EntityType.EXECUTED_OBS_UNIT, id.toLowerCase())
                .orElseThrow(() -> RequestProblem.notFound("executed obs unit " + id));
    }

    private static Operation operation(OperationType type, String id, Map<String, Object> values) {
        return Operation.newBuilder().setType(type).setEntity(EntityType.EXECUTED_OBS_UNIT)
                .setRecordId(id).setValues(values).build();
    }

    private static Map<String, Object> accepted(WriteResult tx, String id) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("transaction_id", tx.transactionId());
        body.put("id", id);
        body.put("state", tx.state());
        return body;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
