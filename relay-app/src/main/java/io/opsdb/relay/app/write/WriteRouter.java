package io.opsdb.relay.app.write;

import io.opsdb.relay.app.idempotency.IdempotentWrite;
import io.opsdb.relay.app.web.RequestProblem;
import io.opsdb.relay.role.SiteRole;
import io.opsdb.relay.role.SiteUnavailableException;
import io.opsdb.relay.role.TransactionTooLargeException;
import io.opsdb.relay.role.WriteKind;
import io.opsdb.relay.role.WriteRefusedException;
import io.opsdb.relay.role.WriteRequest;
import io.opsdb.relay.role.WriteResult;
import io.opsdb.relay.schema.ClientRequest;
import io.opsdb.relay.schema.Operation;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Hands a validated write to the site's role ({@link SiteRole#write}), which routes it as the seed system did: at the
 * main site straight to the primary; at a secondary, critical writes into the site's Kafka buffer (when
 * CRITICAL_OPERATIONS_BUFFER is on) and everything else straight to the primary when it is reachable, or a 503 with
 * the reason when it is not. Here the request's Idempotency-Key becomes the transaction's id, and the role's
 * refusals become the client's answers.
 */
@Component
public class WriteRouter {

    private final SiteRole role;

    WriteRouter(SiteRole role) {
        this.role = role;
    }

    /**
     * Writes {@code operations} as one transaction. A request with an Idempotency-Key ({@link IdempotentWrite}) has
     * its transaction id derived from the key: when that transaction exists already (an earlier attempt whose answer
     * was lost, or a 503 whose command reached the buffer after all) it is answered, not written again.
     */
    public WriteResult write(List<Operation> operations, WriteKind kind) {
        Optional<IdempotentWrite> idempotent = IdempotentWrite.current();
        String transactionId = idempotent
                .map(IdempotentWrite::transactionId)
                .orElseGet(() -> UUID.randomUUID().toString());
        ClientRequest clientRequest =
                idempotent.map(write -> write.request().toClientRequest()).orElse(null);
        try {
            return role.write(new WriteRequest(transactionId, operations, kind, clientRequest));
        } catch (TransactionTooLargeException e) {
            throw RequestProblem.tooLarge("body", e.getMessage());
        } catch (SiteUnavailableException e) {
            throw RequestProblem.unavailable(e.getMessage());
        } catch (WriteRefusedException e) {
            throw RequestProblem.unprocessable(e.getMessage(), e.transactionId());
        }
    }
}
