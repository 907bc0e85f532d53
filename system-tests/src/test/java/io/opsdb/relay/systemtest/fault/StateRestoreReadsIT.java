package io.opsdb.relay.systemtest.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Reads while the observatory's transaction state is restored: its stream thread is fenced (as the million-transaction
 * run's overloaded broker fenced it), closes its task dirty, and Kafka Streams wipes the stores and restores them from
 * their changelogs. Reads meanwhile answer 503 {@code application/problem+json} with Retry-After, never 500; after the
 * restore every status is what it was.
 *
 * <p>Issue 7: the stores used to be queried as stale stores, so a read between a store's reopening after the dirty
 * close and its restore's start found it empty and answered 404 (158 of 14,046 reads; 7 of 21,285 with a restore
 * listener holding reads off from a restore's start to its end). The stores are now read only while Kafka Streams
 * runs with every task restored and its processor started, and a read during which that changed is not answered.
 */
@ExtendWith(TwoSiteStack.class)
@Order(FaultScenario.AFTER_THE_FLOW_TESTS + 9)
@DisabledIfSystemProperty(
        named = LocalStack.TRANSACTION_STATE_STORE_PROPERTY,
        matches = "false",
        disabledReason = "the stack runs with the heap tracker, which has nothing to restore")
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class StateRestoreReadsIT {

    /** Enough in the stores that their restore takes seconds, not milliseconds. */
    private static final int BULK = 5_000;

    private static final int SAMPLE = 50;
    private static final Duration RESTORE = Duration.ofMinutes(5);
    /** Streams' exactly-once transactional ids: the application id, the process id, the thread. */
    private static final String STREAMS_TRANSACTIONAL_ID_PREFIX = "relay-observatory-transactions-";

    @Test
    void readsWhileTheStateStoresAreRestoredAnswer503WithRetryAfterNever500() throws Exception {
        LocalStack stack = TwoSiteStack.stack();
        FaultScenario scenario = new FaultScenario("reads during a restore of the state stores");
        SiteHttp observatory = scenario.observatory();
        try (FaultWorkload workload = new FaultWorkload(scenario.run(), 1).start()) {
            // A real write through the API: the bulk copies it.
            workload.awaitAcked(1, Duration.ofMinutes(3));
            workload.stop();
        }
        List<FaultWorkload.Ack> bulk = BulkCommands.produce(stack, scenario.run(), BULK);
        String last = bulk.get(BULK - 1).transactionId();
        Conditions.waitFor(
                () -> "VISIBLE"
                        .equals(observatory.get("/api/transactions/" + last).text("state")),
                FaultScenario.DRAIN_TIMEOUT,
                FaultScenario.POLL,
                "the bulk did not become VISIBLE");
        Map<String, String> before = new LinkedHashMap<>();
        for (FaultWorkload.Ack ack : bulk.subList(BULK - SAMPLE, BULK)) {
            before.put(
                    ack.transactionId(),
                    observatory.get("/api/transactions/" + ack.transactionId()).text("state"));
        }

        try (Reader reader = new Reader(observatory, List.copyOf(before.keySet()))) {
            reader.start();
            Conditions.waitFor(() -> reader.ok.get() > 0, RESTORE, FaultScenario.POLL, "reads did not begin");
            fenceTheStreamThread(stack);
            Conditions.waitFor(
                    () -> reader.unavailable.get() > 0,
                    RESTORE,
                    FaultScenario.POLL,
                    "no read answered 503: the restore was not seen (answers: " + reader.answers + ")");
            int okBefore503s = reader.ok.get();
            Conditions.waitFor(
                    () -> reader.ok.get() > okBefore503s + 100 && reader.lastWasOk.get(),
                    RESTORE,
                    FaultScenario.POLL,
                    "reads did not answer 200 again after the restore");
            reader.close();
            assertThat(reader.wrong)
                    .as("answers other than 200, or 503 problem+json with Retry-After (answers: %s)", reader.answers)
                    .isEmpty();
            System.out.printf(
                    "state restore: %d reads answered 200, %d answered 503 with Retry-After, %d otherwise"
                            + " (statuses: %s)%n",
                    reader.ok.get(), reader.unavailable.get(), reader.wrong.size(), reader.answers);
        }
        Map<String, String> after = new LinkedHashMap<>();
        for (String id : before.keySet()) {
            after.put(id, observatory.get("/api/transactions/" + id).text("state"));
        }
        assertThat(after).as("statuses after the restore").isEqualTo(before);
    }

    /**
     * Fences the observatory's Streams producer: a producer with its transactional id initialises, which bumps the
     * epoch; the stream thread's next commit fails with ProducerFencedException and its tasks are closed dirty.
     */
    private static void fenceTheStreamThread(LocalStack stack) throws Exception {
        List<String> ids;
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.observatoryBootstrapServers()))) {
            ids = admin.listTransactions().all().get(1, TimeUnit.MINUTES).stream()
                    .map(TransactionListing::transactionalId)
                    .filter(id -> id.startsWith(STREAMS_TRANSACTIONAL_ID_PREFIX))
                    .toList();
        }
        assertThat(ids).as("the observatory's Streams transactional ids").isNotEmpty();
        for (String id : ids) {
            try (KafkaProducer<byte[], byte[]> zombieKiller = new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            stack.observatoryBootstrapServers(),
                            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                            id),
                    new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                zombieKiller.initTransactions();
            }
        }
    }

    /** Reads a transaction's status, a page of VISIBLE ones and the buffer, again and again, and sorts the answers. */
    private static final class Reader implements AutoCloseable {

        private final SiteHttp observatory;
        private final List<String> ids;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        final AtomicInteger ok = new AtomicInteger();
        final AtomicInteger unavailable = new AtomicInteger();
        final AtomicBoolean lastWasOk = new AtomicBoolean();
        final ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        final Map<Integer, Integer> answers = new ConcurrentHashMap<>();

        Reader(SiteHttp observatory, List<String> ids) {
            this.observatory = observatory;
            this.ids = ids;
            this.thread = new Thread(this::run, "state-restore-reader");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void run() {
            List<String> paths = new ArrayList<>(List.of("/api/transactions?state=VISIBLE&limit=5", "/api/buffer"));
            for (int i = 0; running.get(); i++) {
                String path = i % 4 < 2 ? "/api/transactions/" + ids.get(i % ids.size()) : paths.get(i % 2);
                try {
                    record(path, observatory.get(path));
                } catch (java.io.IOException e) {
                    wrong.add(path + ": " + e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private void record(String path, SiteHttp.Answer answer) {
            answers.merge(answer.status(), 1, Integer::sum);
            if (answer.status() == 200) {
                ok.incrementAndGet();
                lastWasOk.set(true);
                return;
            }
            lastWasOk.set(false);
            boolean problem = answer.contentType() != null
                    && answer.contentType().startsWith("application/problem+json")
                    && answer.json() != null
                    && answer.json().path("status").asInt() == 503;
            if (answer.status() == 503 && answer.header("Retry-After") != null && problem) {
                unavailable.incrementAndGet();
            } else {
                wrong.add(path + ": " + answer.status() + " " + answer.body());
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}
