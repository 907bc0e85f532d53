package io.opsdb.relay.secondary.internal.transaction;

import io.opsdb.relay.schema.Operation;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The transactions acknowledged here and not yet taken in by the store, by id and by the records their operations
 * touch. While the state processor works through a backlog (a million commands in flight, a restore), every write
 * acknowledged meanwhile waits here, and each read of a record asks which of them touch it: looked up, not scanned.
 * Scanning them made every read and every write's existence check cost as much as the backlog was long; with a
 * million in flight the HTTP threads took two and a half times the stream thread's CPU, on a machine of two cores.
 *
 * <p>Safe for concurrent use. A transaction and its entries in the record index change together, inside the map's
 * atomic update of its id: a reader may find an id in the index whose transaction has just left (it reads none), never
 * a waiting transaction missing from the index.
 */
final class PendingTransactions {

    private final Map<String, Waiting> byId = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> idsByRecord = new ConcurrentHashMap<>();

    /** A waiting transaction and the records it touches (read from its operations once). */
    private record Waiting(TrackedTransaction tx, Set<String> recordIds) {}

    /** Keeps {@code tx}, in place of any earlier attempt of it. */
    void put(TrackedTransaction tx) {
        Waiting waiting = new Waiting(tx, recordIds(tx.latest().operations()));
        byId.compute(tx.transactionId(), (id, before) -> {
            if (before != null) {
                unindex(before);
            }
            index(waiting);
            return waiting;
        });
    }

    TrackedTransaction get(String transactionId) {
        Waiting waiting = byId.get(transactionId);
        return waiting == null ? null : waiting.tx();
    }

    /** Lets go of the transaction waiting under its id if {@code leaves} says so. */
    void removeIf(String transactionId, Predicate<TrackedTransaction> leaves) {
        byId.computeIfPresent(transactionId, (id, waiting) -> {
            if (!leaves.test(waiting.tx())) {
                return waiting;
            }
            unindex(waiting);
            return null;
        });
    }

    int size() {
        return byId.size();
    }

    /** A snapshot of every waiting transaction (a copy: for the few reads that need all of them). */
    List<TrackedTransaction> all() {
        return byId.values().stream().map(Waiting::tx).toList();
    }

    /** The waiting transactions with an operation on {@code recordId}. */
    List<TrackedTransaction> touching(String recordId) {
        Set<String> ids = idsByRecord.get(recordId);
        if (ids == null) {
            return List.of();
        }
        return ids.stream().map(this::get).filter(Objects::nonNull).toList();
    }

    private void index(Waiting waiting) {
        String id = waiting.tx().transactionId();
        for (String recordId : waiting.recordIds()) {
            // Inside the index's own atomic update: a set emptied and dropped meanwhile is never added to.
            idsByRecord.compute(recordId, (record, ids) -> {
                Set<String> kept = ids == null ? ConcurrentHashMap.newKeySet() : ids;
                kept.add(id);
                return kept;
            });
        }
    }

    private void unindex(Waiting waiting) {
        String id = waiting.tx().transactionId();
        for (String recordId : waiting.recordIds()) {
            idsByRecord.computeIfPresent(recordId, (record, ids) -> {
                ids.remove(id);
                return ids.isEmpty() ? null : ids;
            });
        }
    }

    /** Its records' ids; a command kept encoded is decoded for them, and stays encoded. */
    private static Set<String> recordIds(List<Operation> operations) {
        List<Operation> read = operations instanceof EncodedOperations encoded ? encoded.decodeOnce() : operations;
        Set<String> ids = new HashSet<>();
        for (Operation operation : read) {
            ids.add(operation.getRecordId());
        }
        return Set.copyOf(ids);
    }
}
