package io.opsdb.relay.secondary.internal.transaction;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;
import io.opsdb.relay.schema.OutcomeStatus;
import io.opsdb.relay.schema.TransactionOutcome;
import java.time.Instant;
import java.util.Map;

/** The operation and the outcome the tracker's tests build their transactions from. */
public final class TrackerFixtures {

    private TrackerFixtures() {}

    /** The start of an executed obs unit: a create with its status. */
    public static Operation start(String recordId) {
        return Operation.newBuilder()
                .setType(OperationType.CREATE)
                .setEntity(EntityType.EXECUTED_OBS_UNIT)
                .setRecordId(recordId)
                .setValues(Map.of("status", "running"))
                .build();
    }

    /** Cologne's verdict on an observatory transaction: APPLIED, committed at {@code lsn}. */
    public static TransactionOutcome applied(String tx, String lsn, Instant committedAt) {
        return TransactionOutcome.newBuilder()
                .setTransactionId(tx)
                .setSite("observatory")
                .setStatus(OutcomeStatus.APPLIED)
                .setCommitLsn(Lsn.valueOf(lsn).asLong())
                .setCommittedAt(committedAt)
                .build();
    }
}
