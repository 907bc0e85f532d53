package io.opsdb.relay.app.record;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.stereotype.Component;

import io.opsdb.relay.app.idempotency.IdempotentWrite;
import io.opsdb.relay.app.web.RequestProblem;
import io.opsdb.relay.role.WriteKind;
import io.opsdb.relay.role.WriteResult;
import io.opsdb.relay.app.write.WriteRouter;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;
import io.opsdb.relay.site.SiteConfiguration;

/** Validated records become operations of one transaction, routed by their kind. */
@Component
public class RecordWrites {

    private final RecordValidator validator;
    private final WriteRouter router;
    private final SiteConfiguration site;

    public RecordWrites(RecordValidator validator, WriteRouter router, SiteConfiguration site) {
        this.validator = validator;
        this.router = router;
        this.site = site;
    }

    public RecordValidator validator() {
        return validator;
    }

    /** Validates and writes one new record; 201 body with its transaction id and record id. */
    public Map<String, Object> create(RecordKind kind, Map<String, Object> body) {
        RecordValidator.Session session = new RecordValidator.Session();
        Map<String, Object> values = validator.forCreate(kind, body, "", session);
        throwIfInvalid(session);
        String id = newId();
        WriteResult result = router.write(List.of(create(kind, id, values)), routing(kind));
        return accepted(result, id);
    }

    /** A CREATE with the server-set columns filled in. */
    public Operation create(RecordKind kind, String id, Map<String, Object> values) {
        Map<String, Object> all = new LinkedHashMap<>(values);
        if (kind.table().column("site").isPresent()) {
            all.put("site", site.siteName());
        }
        return operation(OperationType.CREATE, kind, id, all);
    }

    public static Operation operation(OperationType type, RecordKind kind, String id, Map<String, Object> values) {
        return Operation.newBuilder().setType(type).setEntity(kind.entity()).setRecordId(id).setValues(values).build();
    }

    public WriteResult write(List<Operation> operations, WriteKind kind) {
        return router.write(operations, kind);
    }

    public static WriteKind routing(RecordKind kind) {
        return kind.isCritical() ? WriteKind.CRITICAL : WriteKind.NON_CRITICAL;
    }

    /** A new record's id: random, or derived from the request's Idempotency-Key so that a retry creates the same record. */
    public static String newId() {
        return IdempotentWrite.current().map(IdempotentWrite::nextRecordId).orElseGet(() -> UUID.randomUUID().toString());
    }

    public static void throwIfInvalid(RecordValidator.Session session) {
        if (!session.problems().isEmpty()) {
            throw RequestProblem.invalid(session.problems());
        }
    }

    public static Map<String, Object> accepted(WriteResult result, String id) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("transaction_id", result.transactionId());
        body.put("id", id);
        body.put("state", result.state());
        return body;
    }
}
