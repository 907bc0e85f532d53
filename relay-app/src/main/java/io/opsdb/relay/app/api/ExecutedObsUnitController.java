package io.opsdb.relay.app.api;

import io.opsdb.relay.app.read.EntityReader;
import io.opsdb.relay.app.record.RecordValidator;
import io.opsdb.relay.app.record.RecordWrites;
import io.opsdb.relay.app.web.Paging;
import io.opsdb.relay.app.web.RecordComponents;
import io.opsdb.relay.app.web.RequestFields;
import io.opsdb.relay.app.web.RequestProblem;
import io.opsdb.relay.entity.EntityTable;
import io.opsdb.relay.role.WriteResult;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.OperationType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Executed observation units at a secondary site: starting and finishing one are critical writes,
 * buffered and answered as soon as the local broker has them; reading one merges the replica with what
 * is in flight.
 */
@RestController
class ExecutedObsUnitController {

    private static final EntityTable UNITS =
            EntityTable.of(EntityType.EXECUTED_OBS_UNIT).orElseThrow();
    private static final Set<String> STATUSES =
            Set.copyOf(UNITS.column("status").orElseThrow().allowed());

    private final RecordWrites records;
    private final EntityReader reader;

    ExecutedObsUnitController(RecordWrites records, EntityReader reader) {
        this.records = records;
        this.reader = reader;
    }

    @ResponseStatus(HttpStatus.CREATED)
    @PostMapping("/executed_obs_units/start")
    ResponseEntity<WriteAccepted> start(@RequestBody ObsUnitStart body) {
        // The same rules as every other create, references included; a start sets no status.
        return WriteAccepted.created(records, body, "/executed_obs_units/");
    }

    @ResponseStatus(HttpStatus.CREATED)
    @PutMapping("/executed_obs_units/{id}/finish")
    ResponseEntity<WriteAccepted> finish(@PathVariable String id, @RequestBody(required = false) FinishRequest body) {
        if (!RequestFields.isUuid(id)) {
            throw RequestProblem.invalid("id", "must be a UUID");
        }
        FinishRequest request = body == null ? FinishRequest.NONE : body;
        RecordValidator.Session session = new RecordValidator.Session();
        Map<String, Object> sent = records.validator().forChange(request, "", session);
        RecordWrites.throwIfInvalid(session);

        Map<String, Object> unit = reader.find(EntityType.EXECUTED_OBS_UNIT, id.toLowerCase())
                .orElseThrow(() -> RequestProblem.notFound("executed obs unit " + id));
        if (!"running".equals(unit.get("status"))) {
            throw RequestProblem.conflict("Executed obs unit " + id + " is already " + unit.get("status") + ".");
        }
        Instant end =
                request.endTime() != null ? request.endTime() : Instant.now().truncatedTo(ChronoUnit.MICROS);
        if (end.isBefore(Instant.parse((String) unit.get("start_time")))) {
            throw RequestProblem.invalid("end_time", "must not be before start_time " + unit.get("start_time"));
        }
        Map<String, Object> values = new HashMap<>();
        values.put("status", request.status() != null ? request.status() : FinishRequest.DEFAULT_STATUS);
        values.put("end_time", end.toString());
        if (sent.containsKey("notes")) {
            values.put("notes", sent.get("notes"));
        }
        WriteResult tx = records.write(
                List.of(RecordWrites.operation(OperationType.UPDATE, UNITS, id.toLowerCase(), values)),
                RecordWrites.routing(UNITS));
        return ResponseEntity.status(201).body(WriteAccepted.of(tx, id.toLowerCase()));
    }

    /** Newest first; every filter is an exact match. */
    @GetMapping("/executed_obs_units")
    List<ExecutedObsUnit> list(
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String site,
            @RequestParam(required = false) String instrument,
            @RequestParam(name = "obs_unit_id", required = false) String obsUnitId,
            @RequestParam(name = "observing_program_id", required = false) String programId,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Integer offset) {
        Map<String, Object> query = new LinkedHashMap<>();
        putIfPresent(query, "status", status);
        putIfPresent(query, "site", site);
        putIfPresent(query, "instrument", instrument);
        putIfPresent(query, "obs_unit_id", obsUnitId);
        putIfPresent(query, "observing_program_id", programId);
        RequestFields fields = new RequestFields(query, query.keySet());
        fields.oneOf("status", STATUSES, null);
        fields.uuid("observing_program_id");
        fields.throwIfInvalid();
        Paging page = Paging.of(limit, offset);
        Map<String, Object> filters = new HashMap<>(query);
        if (programId != null) {
            filters.put("observing_program_id", programId.toLowerCase());
        }
        return reader
                .list(EntityType.EXECUTED_OBS_UNIT, filters, "start_time", true, page.limit(), page.offset())
                .stream()
                .map(row -> RecordComponents.construct(ExecutedObsUnit.class, row))
                .toList();
    }

    private static void putIfPresent(Map<String, Object> query, String name, String value) {
        if (value != null) {
            query.put(name, value);
        }
    }

    @GetMapping("/executed_obs_units/{id}")
    ExecutedObsUnit get(@PathVariable String id) {
        if (!RequestFields.isUuid(id)) {
            throw RequestProblem.invalid("id", "must be a UUID");
        }
        return reader.find(EntityType.EXECUTED_OBS_UNIT, id.toLowerCase())
                .map(row -> RecordComponents.construct(ExecutedObsUnit.class, row))
                .orElseThrow(() -> RequestProblem.notFound("executed obs unit " + id));
    }
}
