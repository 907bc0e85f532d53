package io.opsdb.relay.main;

import io.opsdb.relay.role.IdempotencyRecords;
import io.opsdb.relay.role.KeyRecord;
import io.opsdb.relay.schema.ClientRequest;
import io.opsdb.relay.site.spring.SiteBeans;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The main site keeps its keys in the primary ({@code relay_idempotency_key}, migration V4), by the same
 * transaction id as the ledger row, for as long as the ledger keeps the transaction.
 */
@Component
class PrimaryIdempotencyRecords implements IdempotencyRecords {

    private final JdbcTemplate primary;

    PrimaryIdempotencyRecords(@Qualifier(SiteBeans.MAIN + "Jdbc") JdbcTemplate primary) {
        this.primary = primary;
    }

    @Override
    public Optional<KeyRecord> find(String transactionId) {
        return primary
                .query(
                        """
                SELECT request_hash, answer_status, answer_location, answer_body FROM relay_idempotency_key
                WHERE transaction_id = CAST(? AS uuid)""",
                        (row, n) -> {
                            int status = row.getInt("answer_status");
                            KeyRecord.FirstAnswer answer = row.wasNull()
                                    ? null
                                    : new KeyRecord.FirstAnswer(
                                            status, row.getString("answer_location"), row.getBytes("answer_body"));
                            return new KeyRecord(row.getString("request_hash"), answer);
                        },
                        transactionId)
                .stream()
                .findFirst();
    }

    @Override
    public void claim(String transactionId, ClientRequest request) {
        primary.update(
                """
                INSERT INTO relay_idempotency_key (transaction_id, principal, method, path, idempotency_key, request_hash)
                VALUES (CAST(? AS uuid), ?, ?, ?, ?, ?) ON CONFLICT (transaction_id) DO NOTHING""",
                transactionId,
                request.getPrincipal(),
                request.getMethod(),
                request.getPath(),
                request.getIdempotencyKey(),
                request.getRequestHash());
    }

    @Override
    public void answered(String transactionId, ClientRequest request, KeyRecord.FirstAnswer answer) {
        primary.update(
                """
                INSERT INTO relay_idempotency_key (transaction_id, principal, method, path, idempotency_key, request_hash,
                    answer_status, answer_location, answer_body)
                VALUES (CAST(? AS uuid), ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (transaction_id) DO UPDATE SET answer_status = EXCLUDED.answer_status,
                    answer_location = EXCLUDED.answer_location, answer_body = EXCLUDED.answer_body
                WHERE relay_idempotency_key.answer_status IS NULL""",
                transactionId,
                request.getPrincipal(),
                request.getMethod(),
                request.getPath(),
                request.getIdempotencyKey(),
                request.getRequestHash(),
                answer.status(),
                answer.location(),
                answer.body());
    }
}
