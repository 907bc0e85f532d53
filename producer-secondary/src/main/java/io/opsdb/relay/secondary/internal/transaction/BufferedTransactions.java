package io.opsdb.relay.secondary.internal.transaction;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.schema.TransactionOutcome;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Buffered;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Where a secondary keeps the transactions it buffers. Two implementations run the same {@link TransactionStore}: the
 * state stores ({@link TransactionStateStreams}, TRANSACTION_STATE_STORE on, the default: on disk, rebuilt from Kafka
 * after a restart), whose processor reads the commands and outcomes topics itself and is handed the rest through the
 * replay topic; and the heap ({@link HeapTransactions}), which applies what the {@link TransactionTracker} tells it at
 * once. Either way the tracker reads what has been applied through {@link #view()}.
 */
interface BufferedTransactions {

    /** Tells {@code entered} of every state a transaction enters and {@code unreadable} of every record set aside. */
    void listen(Consumer<TrackedTransaction> entered, BiConsumer<UnreadableRecord, UnreadableRecord.Fate> unreadable);

    /** What the store has applied so far. */
    TransactionStateView view();

    /** The local broker acknowledged a command (a first attempt or an operator's retry). */
    void acknowledged(Buffered command);

    /** An outcome read from the mirrored outcome stream. */
    void outcome(TransactionOutcome outcome);

    /** A record on the mirrored outcome stream that could not be read. */
    void unreadableOutcome(UnreadableRecord record);

    /** An outcome read from the replica's ledger because the stream had not brought it. */
    void reconciled(TransactionOutcome outcome);

    /** The replica's replay position has advanced to {@code position}. */
    void replayedUpTo(Lsn position);

    /** An operator sets a FAILED transaction aside. */
    void discard(String transactionId, String by);
}
