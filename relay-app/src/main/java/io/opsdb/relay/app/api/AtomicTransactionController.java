package io.opsdb.relay.app.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.opsdb.relay.app.record.RecordKind;
import io.opsdb.relay.app.record.RecordValidator;
import io.opsdb.relay.app.record.RecordWrites;
import io.opsdb.relay.role.WriteKind;
import io.opsdb.relay.role.WriteResult;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;

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
    private static final Set<String> OPERATION_FIELDS = Set.of("op", "entity", "ref", "id", "values");
    private static final Set<String> OPS = Set.of("create", "update", "delete");

    private final RecordWrites writes;

    AtomicTransactionController(RecordWrites writes) {
        this.writes = writes;
    }

    @PostMapping("/api/transactions")
    ResponseEntity<Map<String, Object>> submit(@RequestBody Map<String, Object> body) {
        RecordValidator validator = writes.validator();
        RecordValidator.Session session = new RecordValidator.Session();
        for (String name : new TreeSet<>(body.keySet())) {
            if (!name.equals("operations")) {
                session.problem(name, "unknown field; allowed: operations");
            }
        }
        if (!(body.get("operations") instanceof List<?> requested) || requested.isEmpty()) {
            session.problem("operations", "must be a non-empty array");
            RecordWrites.throwIfInvalid(session);
            return null;
        }
        if (requested.size() > MAX_OPERATIONS) {
            session.problem("operations", "must have at most " + MAX_OPERATIONS + " operations");
            RecordWrites.throwIfInvalid(session);
        }
        List<Operation> operations = new ArrayList<>();
        List<Map<String, Object>> described = new ArrayList<>();
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < requested.size(); i++) {
            String path = "operations[" + i + "].";
            if (!(requested.get(i) instanceof Map<?, ?> raw)) {
                session.problem("operations[" + i + "]", "must be a JSON object");
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> op = (Map<String, Object>) raw;
            for (String name : new TreeSet<>(op.keySet())) {
                if (!OPERATION_FIELDS.contains(name)) {
                    session.problem(path + name, "unknown field; allowed: entity, id, op, ref, values");
                }
            }
            String type = op.get("op") instanceof String s && OPS.contains(s) ? s : null;
            if (type == null) {
                session.problem(path + "op", "must be one of create, delete, update");
            }
            RecordKind kind = op.get("entity") instanceof String e ? RecordKind.byWireName(e).filter(RecordKind::isCritical).orElse(null) : null;
            if (kind == null) {
                session.problem(path + "entity", "must be one of executed_obs_unit, raw_data_file, raw_data_package");
            }
            if (type == null || kind == null) {
                continue;
            }
            Operation operation = switch (type) {
                case "create" -> create(kind, op, path, session, validator, labels);
                case "update" -> update(kind, op, path, session, validator);
                default -> delete(kind, op, path, session, validator);
            };
            if (operation != null) {
                operations.add(operation);
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("op", type);
                d.put("entity", kind.wireName());
                d.put("id", operation.getRecordId());
                described.add(d);
            }
        }
        RecordWrites.throwIfInvalid(session);
        WriteResult result = writes.write(operations, WriteKind.CRITICAL);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("transaction_id", result.transactionId());
        answer.put("state", result.state());
        answer.put("ids", labels);
        answer.put("operations", described);
        return ResponseEntity.status(201).body(answer);
    }

    private Operation create(RecordKind kind, Map<String, Object> op, String path, RecordValidator.Session session,
            RecordValidator validator, Map<String, String> labels) {
        if (op.containsKey("id")) {
            session.problem(path + "id", "is chosen by the server for a create; use ref to name the record");
        }
        String label = null;
        if (op.get("ref") != null) {
            if (!(op.get("ref") instanceof String ref) || !ref.matches("[A-Za-z][A-Za-z0-9_-]{0,63}")) {
                session.problem(path + "ref", "must be a label of letters, digits, '-' or '_', starting with a letter");
            }
            else if (labels.containsKey(ref)) {
                session.problem(path + "ref", "is already used by an earlier operation");
            }
            else {
                label = ref;
            }
        }
        Map<String, Object> values = validator.forCreate(kind, op.get("values"), path + "values.", session);
        String id = RecordWrites.newId();
        session.created(label, kind, id, values);
        if (label != null) {
            labels.put(label, id);
        }
        return writes.create(kind, id, values);
    }

    private static Operation update(RecordKind kind, Map<String, Object> op, String path, RecordValidator.Session session,
            RecordValidator validator) {
        String id = target(kind, op, path, session, validator);
        Map<String, Object> values = validator.forUpdate(kind, id, op.get("values"), path + "values.", session);
        return id == null ? null : RecordWrites.operation(OperationType.UPDATE, kind, id, values);
    }

    private static Operation delete(RecordKind kind, Map<String, Object> op, String path, RecordValidator.Session session,
            RecordValidator validator) {
        if (op.containsKey("values")) {
            session.problem(path + "values", "a delete takes no values");
        }
        String id = target(kind, op, path, session, validator);
        return id == null ? null : RecordWrites.operation(OperationType.DELETE, kind, id, Map.of());
    }

    /** The existing record an update or delete is about. */
    private static String target(RecordKind kind, Map<String, Object> op, String path, RecordValidator.Session session,
            RecordValidator validator) {
        if (!(op.get("id") instanceof String text)) {
            session.problem(path + "id", "is required: the UUID or $label of the record");
            return null;
        }
        String id = session.resolve(path + "id", text, kind.entity());
        if (id != null && !validator.exists(kind.entity(), id, session)) {
            session.problem(path + "id", "no " + kind.wireName() + " " + id);
            return null;
        }
        return id;
    }
}
