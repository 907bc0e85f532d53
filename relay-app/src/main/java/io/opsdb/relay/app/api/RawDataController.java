package io.opsdb.relay.app.api;

import io.opsdb.relay.app.read.EntityReader;
import io.opsdb.relay.app.record.RawDataFileValues;
import io.opsdb.relay.app.record.RawDataPackageValues;
import io.opsdb.relay.app.record.RecordValidator;
import io.opsdb.relay.app.record.RecordWrites;
import io.opsdb.relay.app.web.RecordComponents;
import io.opsdb.relay.app.web.RequestFields;
import io.opsdb.relay.app.web.RequestProblem;
import io.opsdb.relay.entity.EntityTable;
import io.opsdb.relay.role.WriteResult;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Raw data packages and their files: critical writes, read merged with what is in flight. */
@RestController
class RawDataController {

    /** The most files one bulk request may create, all in one transaction. */
    static final int MAX_BULK_FILES = 10_000;

    private static final EntityTable PACKAGES =
            EntityTable.of(EntityType.RAW_DATA_PACKAGE).orElseThrow();
    private static final EntityTable FILES =
            EntityTable.of(EntityType.RAW_DATA_FILE).orElseThrow();

    private final RecordWrites writes;
    private final EntityReader reader;

    RawDataController(RecordWrites writes, EntityReader reader) {
        this.writes = writes;
        this.reader = reader;
    }

    @ResponseStatus(HttpStatus.CREATED)
    @PostMapping("/raw_data_package")
    ResponseEntity<WriteAccepted> createPackage(@RequestBody RawDataPackageValues body) {
        return WriteAccepted.created(writes, body, "/raw_data_package/");
    }

    @ResponseStatus(HttpStatus.CREATED)
    @PutMapping("/raw_data_package/{id}/finalize")
    ResponseEntity<WriteAccepted> finalizePackage(
            @PathVariable String id, @RequestBody(required = false) FinalizeRequest body) {
        String packageId = uuid(id);
        FinalizeRequest request = body == null ? FinalizeRequest.NONE : body;
        RecordValidator.Session session = new RecordValidator.Session();
        writes.validator().forChange(request, "", session);
        RecordWrites.throwIfInvalid(session);
        Map<String, Object> current = reader.find(EntityType.RAW_DATA_PACKAGE, packageId)
                .orElseThrow(() -> RequestProblem.notFound("raw data package " + id));
        if (!"building".equals(current.get("state"))) {
            throw RequestProblem.conflict("Raw data package " + id + " is already " + current.get("state") + ".");
        }
        String state = request.state() != null ? request.state() : FinalizeRequest.DEFAULT_STATE;
        WriteResult result = writes.write(
                List.of(RecordWrites.operation(OperationType.UPDATE, PACKAGES, packageId, Map.of("state", state))),
                RecordWrites.routing(PACKAGES));
        return ResponseEntity.status(201).body(WriteAccepted.of(result, packageId));
    }

    @GetMapping("/raw_data_package/{id}")
    RawDataPackage getPackage(@PathVariable String id) {
        String packageId = uuid(id);
        Map<String, Object> pkg = new LinkedHashMap<>(reader.find(EntityType.RAW_DATA_PACKAGE, packageId)
                .orElseThrow(() -> RequestProblem.notFound("raw data package " + id)));
        pkg.put(
                "files",
                reader
                        .list(
                                EntityType.RAW_DATA_FILE,
                                Map.of("raw_data_package_id", packageId),
                                "path",
                                false,
                                MAX_BULK_FILES * 10,
                                0)
                        .stream()
                        .map(row -> RecordComponents.construct(RawDataFile.class, row))
                        .toList());
        return RecordComponents.construct(RawDataPackage.class, pkg);
    }

    @ResponseStatus(HttpStatus.CREATED)
    @PostMapping("/raw_data_files")
    ResponseEntity<WriteAccepted> createFile(@RequestBody RawDataFileValues body) {
        return WriteAccepted.created(writes, body, "/raw_data_files/");
    }

    /** Thousands of files in one transaction: all are created, or none. */
    @ResponseStatus(HttpStatus.CREATED)
    @PostMapping("/raw_data_files/bulk")
    ResponseEntity<BulkAccepted> createFiles(@RequestBody BulkFilesRequest body) {
        RecordValidator validator = writes.validator();
        RecordValidator.Session session = new RecordValidator.Session();
        // A bulk that is empty or too large is refused as that, before its files are looked at.
        validator.shape(body, "", session);
        RecordWrites.throwIfInvalid(session);
        List<RawDataFileValues> files = body.files();
        List<Operation> operations = new ArrayList<>(files.size());
        List<String> ids = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            RawDataFileValues file =
                    files.get(i) != null ? files.get(i) : RecordComponents.construct(RawDataFileValues.class, Map.of());
            Map<String, Object> values = validator.forCreate(file, "files[" + i + "].", session);
            String id = RecordWrites.newId();
            ids.add(id);
            operations.add(writes.create(FILES, id, values));
        }
        RecordWrites.throwIfInvalid(session);
        WriteResult result = writes.write(operations, RecordWrites.routing(FILES));
        return ResponseEntity.status(201)
                .body(new BulkAccepted(result.transactionId(), result.state().name(), ids));
    }

    @GetMapping("/raw_data_files/{id}")
    RawDataFile getFile(@PathVariable String id) {
        return reader.find(EntityType.RAW_DATA_FILE, uuid(id))
                .map(row -> RecordComponents.construct(RawDataFile.class, row))
                .orElseThrow(() -> RequestProblem.notFound("raw data file " + id));
    }

    static String uuid(String id) {
        if (!RequestFields.isUuid(id)) {
            throw RequestProblem.invalid("id", "must be a UUID");
        }
        return id.toLowerCase();
    }
}
