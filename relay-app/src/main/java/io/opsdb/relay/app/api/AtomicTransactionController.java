package io.opsdb.relay.app.api;

import io.opsdb.relay.app.api.TransactionAccepted.AcceptedOperation;
import io.opsdb.relay.app.api.TransactionRequest.OperationRequest;
import io.opsdb.relay.app.record.EntityRecords;
import io.opsdb.relay.app.record.RecordValidator;
import io.opsdb.relay.app.record.RecordWrites;
import io.opsdb.relay.entity.EntityTable;
import io.opsdb.relay.role.WriteKind;
import io.opsdb.relay.role.WriteResult;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/transactions}: several operations applied atomically, in order: for example an obs
 * unit, its package and its files together. A create may carry a {@code ref} label; later operations
 * refer to the record it creates as {@code "$label"} wherever an id goes. The answer carries every
 * pre-generated id.
 *
 * <pre>{"operations": [
 *   {"op": "create", "entity": "executed_obs_unit", "ref": "unit", "values": {"obs_unit_id": "uid://A1"}},
 *   {"op": "create", "entity": "raw_data_package", "ref": "pkg", "values": {"executed_obs_unit_id": "$unit", "name": "p1"}},
 *   {"op": "create", "entity": "raw_data_file", "values": {"raw_data_package_id": "$pkg", "path": "a.fits", "size_bytes": 1}},
 *   {"op": "update", "entity": "executed_obs_unit", "id": "$unit", "values": {"status": "completed"}}]}</pre>
 */
@RestController
class AtomicTransactionController {

    static final int MAX_OPERATIONS = 10_000;

    private final RecordWrites writes;

    AtomicTransactionController(RecordWrites writes) {
        this.writes = writes;
    }

    @ResponseStatus(HttpStatus.CREATED)
    @PostMapping("/api/transactions")
    ResponseEntity<TransactionAccepted> submit(@RequestBody TransactionRequest body) {
        RecordValidator validator = writes.validator();
        RecordValidator.Session session = new RecordValidator.Session();
        // No operations, or too many, is refused as that, before the operations are looked at.
        validator.shape(body, "", session);
        RecordWrites.throwIfInvalid(session);
        List<Operation> operations = new ArrayList<>();
        List<AcceptedOperation> described = new ArrayList<>();
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < body.operations().size(); i++) {
            String path = "operations[" + i + "].";
            OperationRequest requested = body.operations().get(i);
            if (requested == null) {
                session.problem("operations[" + i + "]", "must be a JSON object");
                continue;
            }
            Set<String> refused = validator.shape(requested, path, session);
            if (refused.contains("op") || refused.contains("entity")) {
                continue;
            }
            EntityTable table = EntityTable.named(requested.entity()).orElseThrow();
            Operation operation = switch (requested.op()) {
                case "create" -> create(table, requested, refused.contains("ref"), path, session, validator, labels);
                case "update" -> update(table, requested, path, session, validator);
                default -> delete(table, requested, path, session, validator);
            };
            if (operation != null) {
                operations.add(operation);
                described.add(new AcceptedOperation(requested.op(), table.table(), operation.getRecordId()));
            }
        }
        RecordWrites.throwIfInvalid(session);
        WriteResult result = writes.write(operations, WriteKind.CRITICAL);
        return ResponseEntity.status(201)
                .body(new TransactionAccepted(
                        result.transactionId(), result.state().name(), labels, described));
    }

    private Operation create(
            EntityTable table,
            OperationRequest requested,
            boolean badRef,
            String path,
            RecordValidator.Session session,
            RecordValidator validator,
            Map<String, String> labels) {
        if (requested.id() != null) {
            session.problem(path + "id", "is chosen by the server for a create; use ref to name the record");
        }
        String label = null;
        if (requested.ref() != null && !badRef) {
            if (labels.containsKey(requested.ref())) {
                session.problem(path + "ref", "is already used by an earlier operation");
            } else {
                label = requested.ref();
            }
        }
        Record values =
                validator.bind(requested.values(), EntityRecords.valuesOf(table.entity()), path + "values.", session);
        Map<String, Object> columns =
                values == null ? Map.of() : validator.forCreate(values, path + "values.", session);
        String id = RecordWrites.newId();
        session.created(label, table.entity(), id, columns);
        if (label != null) {
            labels.put(label, id);
        }
        return writes.create(table, id, columns);
    }

    private static Operation update(
            EntityTable table,
            OperationRequest requested,
            String path,
            RecordValidator.Session session,
            RecordValidator validator) {
        String id = target(table, requested, path, session, validator);
        Record values =
                validator.bind(requested.values(), EntityRecords.valuesOf(table.entity()), path + "values.", session);
        if (values == null) {
            return null;
        }
        Map<String, Object> columns =
                validator.forUpdate(values, sent(requested.values()), id, path + "values.", session);
        return id == null ? null : RecordWrites.operation(OperationType.UPDATE, table, id, columns);
    }

    private static Operation delete(
            EntityTable table,
            OperationRequest requested,
            String path,
            RecordValidator.Session session,
            RecordValidator validator) {
        if (requested.values() != null) {
            session.problem(path + "values", "a delete takes no values");
        }
        String id = target(table, requested, path, session, validator);
        return id == null ? null : RecordWrites.operation(OperationType.DELETE, table, id, Map.of());
    }

    /** The names of the fields an update sends, a {@code null} one included: it empties its column. */
    private static Set<String> sent(JsonNode values) {
        Set<String> names = new HashSet<>();
        if (values != null && values.isObject()) {
            values.propertyNames().forEach(names::add);
        }
        return names;
    }

    /** The existing record an update or delete is about. */
    private static String target(
            EntityTable table,
            OperationRequest requested,
            String path,
            RecordValidator.Session session,
            RecordValidator validator) {
        if (requested.id() == null) {
            session.problem(path + "id", "is required: the UUID or $label of the record");
            return null;
        }
        String id = session.resolve(path + "id", requested.id(), table.entity());
        if (id != null && !validator.exists(table.entity(), id, session)) {
            session.problem(path + "id", "no " + table.table() + " " + id);
            return null;
        }
        return id;
    }
}
