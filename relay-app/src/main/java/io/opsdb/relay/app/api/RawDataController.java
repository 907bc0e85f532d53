package io.opsdb.relay.app.api;

import java.net.URI;
import java.util.ArrayList;
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
import org.springframework.web.bind.annotation.RestController;

import io.opsdb.relay.app.read.EntityReader;
import io.opsdb.relay.app.record.RecordKind;
import io.opsdb.relay.app.record.RecordValidator;
import io.opsdb.relay.app.record.RecordWrites;
import io.opsdb.relay.app.web.RequestFields;
import io.opsdb.relay.app.web.RequestProblem;
import io.opsdb.relay.role.WriteResult;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;

/** Raw data packages and their files: critical writes, read merged with what is in flight. */
@RestController
class RawDataController {

    /** The most files one bulk request may create, all in one transaction. */
    static final int MAX_BULK_FILES = 10_000;
    private static final Set<String> FINAL_STATES = Set.of("complete", "transferring", "archived", "failed");

    private final RecordWrites writes;
    private final EntityReader reader;

    RawDataController(RecordWrites writes, EntityReader reader) {
        this.writes = writes;
        this.reader = reader;
    }

    @PostMapping("/raw_data_package")
    ResponseEntity<Map<String, Object>> createPackage(@RequestBody Map<String, Object> body) {
        Map<String, Object> accepted = writes.create(RecordKind.RAW_DATA_PACKAGE, body);
        return ResponseEntity.created(URI.create("/raw_data_package/" + accepted.get("id"))).body(accepted);
    }

    @PutMapping("/raw_data_package/{id}/finalize")
    ResponseEntity<Map<String, Object>> finalizePackage(@PathVariable String id,
            @RequestBody(required = false) Map<String, Object> body) {
        String packageId = uuid(id);
        RequestFields fields = new RequestFields(body, Set.of("state"));
        String state = fields.oneOf("state", FINAL_STATES, "complete");
        fields.throwIfInvalid();
        Map<String, Object> current = reader.find(EntityType.RAW_DATA_PACKAGE, packageId)
                .orElseThrow(() -> RequestProblem.notFound("raw data package " + id));
        if (!"building".equals(current.get("state"))) {
            throw RequestProblem.conflict("Raw data package " + id + " is already " + current.get("state") + ".");
        }
        WriteResult result = writes.write(List.of(RecordWrites.operation(OperationType.UPDATE, RecordKind.RAW_DATA_PACKAGE,
                packageId, Map.of("state", state))), RecordWrites.routing(RecordKind.RAW_DATA_PACKAGE));
        return ResponseEntity.status(201).body(RecordWrites.accepted(result, packageId));
    }

    @GetMapping("/raw_data_package/{id}")
    Map<String, Object> getPackage(@PathVariable String id) {
        String packageId = uuid(id);
        Map<String, Object> pkg = new LinkedHashMap<>(reader.find(EntityType.RAW_DATA_PACKAGE, packageId)
                .orElseThrow(() -> RequestProblem.notFound("raw data package " + id)));
        pkg.put("files", reader.list(EntityType.RAW_DATA_FILE, Map.of("raw_data_package_id", packageId), "path", false,
                MAX_BULK_FILES * 10, 0));
        return pkg;
    }

    @PostMapping("/raw_data_files")
    ResponseEntity<Map<String, Object>> createFile(@RequestBody Map<String, Object> body) {
        Map<String, Object> accepted = writes.create(RecordKind.RAW_DATA_FILE, body);
        return ResponseEntity.created(URI.create("/raw_data_files/" + accepted.get("id"))).body(accepted);
    }

    /** Thousands of files in one transaction: all are created, or none. */
    @PostMapping("/raw_data_files/bulk")
    ResponseEntity<Map<String, Object>> createFiles(@RequestBody Map<String, Object> body) {
        RecordValidator.Session session = new RecordValidator.Session();
        for (String name : body.keySet()) {
            if (!name.equals("files")) {
                session.problem(name, "unknown field; allowed: files");
            }
        }
        if (!(body.get("files") instanceof List<?> files) || files.isEmpty()) {
            session.problem("files", "must be a non-empty array of files");
            RecordWrites.throwIfInvalid(session);
            return null;
        }
        if (files.size() > MAX_BULK_FILES) {
            session.problem("files", "must have at most " + MAX_BULK_FILES + " files");
            RecordWrites.throwIfInvalid(session);
        }
        List<Operation> operations = new ArrayList<>(files.size());
        List<String> ids = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            Map<String, Object> values = writes.validator().forCreate(RecordKind.RAW_DATA_FILE, files.get(i), "files[" + i + "].", session);
            String id = RecordWrites.newId();
            ids.add(id);
            operations.add(writes.create(RecordKind.RAW_DATA_FILE, id, values));
        }
        RecordWrites.throwIfInvalid(session);
        WriteResult result = writes.write(operations, RecordWrites.routing(RecordKind.RAW_DATA_FILE));
        Map<String, Object> accepted = new LinkedHashMap<>();
        accepted.put("transaction_id", result.transactionId());
        accepted.put("state", result.state());
        accepted.put("ids", ids);
        return ResponseEntity.status(201).body(accepted);
    }

    @GetMapping("/raw_data_files/{id}")
    Map<String, Object> getFile(@PathVariable String id) {
        return reader.find(EntityType.RAW_DATA_FILE, uuid(id))
                .orElseThrow(() -> RequestProblem.notFound("raw data file " + id));
    }

    static String uuid(String id) {
        if (!RequestFields.isUuid(id)) {
            throw RequestProblem.invalid("id", "must be a UUID");
        }
        return id.toLowerCase();
    }
}
