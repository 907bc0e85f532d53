package io.opsdb.relay.app.record;

import io.opsdb.relay.app.idempotency.IdempotentWrite;
import io.opsdb.relay.app.web.RequestProblem;
import io.opsdb.relay.app.write.WriteRouter;
import io.opsdb.relay.entity.Column;
import io.opsdb.relay.entity.EntityTable;
import io.opsdb.relay.role.WriteKind;
import io.opsdb.relay.role.WriteResult;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;
import io.opsdb.relay.site.SiteConfiguration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Validated records become operations of one transaction, routed by their entity. */
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

    /** Validates and writes one new record, {@code values} of its entity, under {@code id}. */
    public WriteResult create(Record values, String id) {
        RecordValidator.Session session = new RecordValidator.Session();
        Map<String, Object> columns = validator.forCreate(values, "", session);
        throwIfInvalid(session);
        EntityTable table = EntityRecords.tableOf(values.getClass());
        return router.write(List.of(create(table, id, columns)), routing(table));
    }

    /** A CREATE with the server-set columns filled in. */
    public Operation create(EntityTable table, String id, Map<String, Object> values) {
        Map<String, Object> all = new LinkedHashMap<>(values);
        table.columns().stream()
                .filter(c -> c.origin() == Column.Origin.SITE)
                .forEach(c -> all.put(c.name(), site.siteName()));
        return operation(OperationType.CREATE, table, id, all);
    }

    public static Operation operation(OperationType type, EntityTable table, String id, Map<String, Object> values) {
        return Operation.newBuilder()
                .setType(type)
                .setEntity(table.entity())
                .setRecordId(id)
                .setValues(values)
                .build();
    }

    public WriteResult write(List<Operation> operations, WriteKind kind) {
        return router.write(operations, kind);
    }

    public static WriteKind routing(EntityTable table) {
        return table.critical() ? WriteKind.CRITICAL : WriteKind.NON_CRITICAL;
    }

    /** A new record's id: random, or derived from the request's Idempotency-Key so that a retry creates the same record. */
    public static String newId() {
        return IdempotentWrite.current()
                .map(IdempotentWrite::nextRecordId)
                .orElseGet(() -> UUID.randomUUID().toString());
    }

    public static void throwIfInvalid(RecordValidator.Session session) {
        if (!session.problems().isEmpty()) {
            throw RequestProblem.invalid(session.problems());
        }
    }
}
