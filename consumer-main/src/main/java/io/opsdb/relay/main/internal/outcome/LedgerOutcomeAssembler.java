package io.opsdb.relay.main.internal.outcome;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.schema.OutcomeStatus;
import io.opsdb.relay.schema.TransactionOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Joins the ledger rows Debezium reads from the WAL to the END event of the database transaction that
 * wrote them, and turns them into outcomes carrying that transaction's commit LSN.
 *
 * <p>A change event's own {@code source.lsn} is the position of the change, not of its commit: a replica
 * that has replayed past it has not necessarily replayed the commit, and the row is not yet visible
 * there. The END event's id is {@code <txid>:<lsn>} with the end of the COMMIT record, the position a
 * replica must reach. Change events carry only the txid, hence the join.
 */
final class LedgerOutcomeAssembler {

    private final String ledgerTopicSuffix;
    private final String transactionTopicSuffix;
    private final Map<Long, List<TransactionOutcome.Builder>> pendingByTxId = new HashMap<>();

    LedgerOutcomeAssembler(String ledgerTable) {
        this.ledgerTopicSuffix = "." + ledgerTable;
        this.transactionTopicSuffix = ".transaction";
    }

    /** Takes one Debezium record; returns the outcomes its database transaction completes (only at END). */
    List<TransactionOutcome> accept(SourceRecord record) {
        if (!(record.value() instanceof Struct value)) {
            return List.of();
        }
        if (record.topic().endsWith(transactionTopicSuffix)) {
            return "END".equals(value.getString("status")) ? complete(value) : List.of();
        }
        if (record.topic().endsWith(ledgerTopicSuffix)) {
            collect(value);
        }
        return List.of();
    }

    /** True while a database transaction's ledger rows wait for its END event. */
    boolean hasPending() {
        return !pendingByTxId.isEmpty();
    }

    private void collect(Struct envelope) {
        String op = envelope.getString("op");
        Struct after = envelope.getStruct("after");
        if (after == null || !("c".equals(op) || "u".equals(op) || "r".equals(op))) {
            return;
        }
        long txId = envelope.getStruct("source").getInt64("txId");
        TransactionOutcome.Builder outcome = TransactionOutcome.newBuilder()
                .setTransactionId(after.getString("transaction_id"))
                .setSite(after.getString("site"))
                .setStatus(OutcomeStatus.valueOf(after.getString("status")))
                .setAttempt(after.getInt32("attempt"))
                .setError(after.getString("error"));
        pendingByTxId.computeIfAbsent(txId, id -> new ArrayList<>()).add(outcome);
    }

    private List<TransactionOutcome> complete(Struct end) {
        String id = end.getString("id");
        int colon = id.indexOf(':');
        if (colon < 1) {
            throw new IllegalStateException("transaction END event id is not <txid>:<lsn>: " + id);
        }
        long txId = Long.parseLong(id.substring(0, colon));
        Lsn commitLsn = Lsn.valueOf(Long.parseLong(id.substring(colon + 1)));
        List<TransactionOutcome.Builder> rows = pendingByTxId.remove(txId);
        if (rows == null) {
            return List.of();
        }
        Instant committedAt = Instant.ofEpochMilli(end.getInt64("ts_ms"));
        List<TransactionOutcome> outcomes = new ArrayList<>(rows.size());
        for (TransactionOutcome.Builder row : rows) {
            outcomes.add(row.setCommitLsn(commitLsn.asLong())
                    .setCommittedAt(committedAt)
                    .build());
        }
        return outcomes;
    }
}
