package io.opsdb.relay.secondary;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.BufferFigures;
import io.opsdb.relay.role.ComponentHealth;
import io.opsdb.relay.role.IdempotencyRecords;
import io.opsdb.relay.role.InFlightOverlay;
import io.opsdb.relay.role.OperatorActionRefusedException;
import io.opsdb.relay.role.PrimaryWrites;
import io.opsdb.relay.role.SiteProbes;
import io.opsdb.relay.role.SiteRole;
import io.opsdb.relay.role.TransactionEvents;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.role.TransactionStatus;
import io.opsdb.relay.role.WriteKind;
import io.opsdb.relay.role.WriteRequest;
import io.opsdb.relay.role.WriteResult;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.secondary.internal.transaction.OperatorAction;
import io.opsdb.relay.secondary.internal.transaction.OutcomeListener;
import io.opsdb.relay.secondary.internal.transaction.ReplicaLsnPoller;
import io.opsdb.relay.secondary.internal.transaction.TrackedTransaction;
import io.opsdb.relay.secondary.internal.transaction.TransactionActionRefusedException;
import io.opsdb.relay.secondary.internal.transaction.TransactionListener;
import io.opsdb.relay.secondary.internal.transaction.TransactionTracker;
import io.opsdb.relay.secondary.internal.transaction.UnreadableRecord;
import io.opsdb.relay.secondary.internal.write.CommandPublisher;
import io.opsdb.relay.site.SiteConfiguration;
import io.opsdb.relay.site.spring.SiteBeans;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A secondary site's role. Critical writes are buffered in the site's Kafka cluster when CRITICAL_OPERATIONS_BUFFER
 * is on ({@link CommandPublisher}) and followed by the {@link TransactionTracker} until the replica shows them;
 * everything else goes straight to the primary through {@link PrimaryWrites} (the main site's applier, which the
 * application hands this role) and is answered once the replica shows it. It answers for this site's own
 * transactions; a retry publishes the same operations again under the same transaction id as the next attempt,
 * through the site's buffer like any critical write.
 */
@Component
class SecondarySiteRole implements SiteRole {

    private static final Logger LOG = LoggerFactory.getLogger(SecondarySiteRole.class);

    private final SiteConfiguration site;
    private final TransactionTracker tracker;
    private final CommandPublisher publisher;
    private final PrimaryWrites primary;
    private final BufferedIdempotencyRecords keys;
    private final ReplicaLsnPoller poller;
    private final SiteProbes probes;
    private final BufferFigures trackerFigures;
    private final InFlightOverlay overlay;

    SecondarySiteRole(
            SiteConfiguration site,
            TransactionTracker tracker,
            CommandPublisher publisher,
            PrimaryWrites primary,
            BufferedIdempotencyRecords keys,
            ReplicaLsnPoller poller,
            SiteProbes probes,
            @Qualifier(SiteBeans.LOCAL + "Jdbc") JdbcTemplate replica) {
        this.site = site;
        this.tracker = tracker;
        this.publisher = publisher;
        this.primary = primary;
        this.keys = keys;
        this.poller = poller;
        this.probes = probes;
        this.trackerFigures = new TrackerFigures(tracker, new ReplicaLag(replica));
        this.overlay = new TrackerOverlay(tracker);
    }

    @Override
    public WriteResult write(WriteRequest request) {
        if (request.isIdempotent()) {
            // An earlier attempt whose answer was lost, or a 503 whose command reached the buffer after all.
            Optional<TrackedTransaction> earlier = tracker.find(request.transactionId());
            if (earlier.isPresent()) {
                return result(earlier.get());
            }
            keys.claim(request.transactionId(), request.clientRequest());
        }
        if (request.kind() == WriteKind.CRITICAL && site.buffersCriticalWrites()) {
            return result(publisher.publish(request));
        }
        return writeDirectly(request);
    }

    private WriteResult writeDirectly(WriteRequest request) {
        String transactionId = request.transactionId();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Lsn commitLsn = primary.write(request, now);
        // A secondary reads its replica: answer once the replica shows the write, so reads see it.
        TrackedTransaction tx = tracker.appliedDirectly(transactionId, request.operations(), commitLsn, now);
        try {
            tx = tracker.whenSettled(transactionId).get(site.lsnTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            tx = tracker.find(transactionId).orElse(tx);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new WriteResult(transactionId, tx.state(), commitLsn);
    }

    private static WriteResult result(TrackedTransaction tx) {
        return new WriteResult(tx.transactionId(), tx.state(), tx.progress().commitLsn());
    }

    @Override
    public Optional<TransactionStatus> find(String transactionId) {
        return tracker.find(transactionId).map(SecondarySiteRole::status);
    }

    @Override
    public List<TransactionStatus> list(TransactionState state, String afterTransactionId, int limit) {
        return tracker.list(state, afterTransactionId, limit).stream()
                .map(SecondarySiteRole::status)
                .toList();
    }

    @Override
    public Optional<TransactionStatus> retry(String transactionId, String by) {
        String reason =
                tracker.find(transactionId).map(tx -> tx.progress().error()).orElse(null);
        try {
            Optional<TrackedTransaction> again = publisher.retry(transactionId, by);
            again.ifPresent(tx -> LOG.info(
                    "Transaction {} retried by {} at {} as attempt {} (it failed: {})",
                    transactionId,
                    by,
                    tx.retried().at(),
                    tx.attempt(),
                    reason));
            return again.map(SecondarySiteRole::status);
        } catch (TransactionActionRefusedException e) {
            throw new OperatorActionRefusedException(e.getMessage());
        }
    }

    @Override
    public Optional<TransactionStatus> discard(String transactionId, String by) {
        try {
            Optional<TrackedTransaction> discarded = tracker.discard(transactionId, by);
            discarded.ifPresent(tx -> LOG.info(
                    "Transaction {} discarded by {} at {} (it failed: {})",
                    transactionId,
                    by,
                    tx.progress().discarded().at(),
                    tx.progress().error()));
            return discarded.map(SecondarySiteRole::status);
        } catch (TransactionActionRefusedException e) {
            throw new OperatorActionRefusedException(e.getMessage());
        }
    }

    @Override
    public boolean reportsUnsettled() {
        return true;
    }

    @Override
    public CompletableFuture<TransactionStatus> whenSettled(String transactionId) {
        return tracker.whenSettled(transactionId).thenApply(SecondarySiteRole::status);
    }

    @Override
    public InFlightOverlay overlay() {
        return overlay;
    }

    /**
     * Without its Kafka cluster a secondary cannot accept critical writes, and without its outcome follower it never
     * learns their fate: those are essential. Its database is the replica: reads go on from the overlay meanwhile.
     */
    @Override
    public List<ComponentHealth> components() {
        return List.of(
                ComponentHealth.of("database", probes.databaseReachable(), false),
                ComponentHealth.of("kafka", probes.kafkaConnected(), true),
                ComponentHealth.of("outcome_follower", probes.listenerRunning(OutcomeListener.ID), true),
                ComponentHealth.of("replica", poller.isReplicaReachable(), false));
    }

    @Override
    public BufferFigures buffer() {
        return trackerFigures;
    }

    @Override
    public IdempotencyRecords idempotencyRecords() {
        return keys;
    }

    @Override
    public void addListener(TransactionEvents listener) {
        tracker.addListener(events(site.siteName(), listener));
    }

    /**
     * Tells {@code events} of this site's own transactions as they become APPLIED, FAILED and VISIBLE, and of the
     * records it could not read (a transaction one FAILED is told as it enters FAILED).
     */
    static TransactionListener events(String siteName, TransactionEvents events) {
        return new TransactionListener() {
            @Override
            public void entered(TrackedTransaction tx) {
                switch (tx.state()) {
                    case APPLIED -> events.applied(siteName);
                    case FAILED -> events.failed(siteName);
                    case VISIBLE ->
                        events.settledAfter(
                                siteName,
                                tx.progress().visibleAt() == null
                                        ? Duration.ZERO
                                        : Duration.between(
                                                tx.acknowledgedAt(),
                                                tx.progress().visibleAt()));
                    default -> {}
                }
            }

            @Override
            public void unreadable(UnreadableRecord record, UnreadableRecord.Fate fate) {
                events.unreadable(
                        record.source() == UnreadableRecord.Source.COMMAND
                                ? TransactionEvents.Unreadable.COMMAND
                                : TransactionEvents.Unreadable.OUTCOME,
                        record.site() == null ? "unknown" : record.site(),
                        fate == UnreadableRecord.Fate.TRANSACTION_FAILED);
            }
        };
    }

    /** A tracked transaction as the API shows it. */
    static TransactionStatus status(TrackedTransaction tx) {
        OperatorAction retried = tx.retried();
        OperatorAction discarded = tx.progress().discarded();
        return new TransactionStatus(
                tx.transactionId(),
                tx.state(),
                null,
                tx.latest().sequence(),
                tx.attempt(),
                tx.progress().commitLsn(),
                tx.progress().error(),
                tx.acknowledgedAt(),
                tx.progress().appliedAt(),
                tx.progress().visibleAt(),
                retried == null ? null : retried.by(),
                retried == null ? null : retried.at(),
                discarded == null ? null : discarded.by(),
                discarded == null ? null : discarded.at());
    }

    /** The tracker's in-flight operations. */
    private record TrackerOverlay(TransactionTracker tracker) implements InFlightOverlay {

        @Override
        public List<Operation> operations(String recordId) {
            return tracker.inFlightOperations(recordId);
        }

        @Override
        public Set<String> recordIds(EntityType entity) {
            return tracker.inFlightRecordIds(entity);
        }
    }

    /** The tracker's trackerFigures, and the replica's lag in seconds as the replica says it. */
    private record TrackerFigures(TransactionTracker tracker, ReplicaLag lag) implements BufferFigures {

        @Override
        public int inFlight() {
            return tracker.inFlightCount();
        }

        @Override
        public Duration oldestInFlightAge() {
            return tracker.oldestInFlightAge();
        }

        @Override
        public Long failed() {
            return (long) tracker.count(TransactionState.FAILED);
        }

        @Override
        public Long discarded() {
            return (long) tracker.count(TransactionState.DISCARDED);
        }

        @Override
        public Lsn replicaReplayPosition() {
            return tracker.replayedPosition();
        }

        @Override
        public long replicaLagBytes() {
            return tracker.replicaLagBytes();
        }

        @Override
        public Double replicaLagSeconds() {
            return lag.seconds();
        }
    }
}
