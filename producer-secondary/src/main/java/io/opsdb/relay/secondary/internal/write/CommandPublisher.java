package io.opsdb.relay.secondary.internal.write;

import io.opsdb.relay.codec.MessageCodec;
import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.kafka.RelayLimits;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.role.SiteUnavailableException;
import io.opsdb.relay.role.TransactionTooLargeException;
import io.opsdb.relay.role.WriteRequest;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.WriteCommand;
import io.opsdb.relay.secondary.internal.kafka.SecondaryKafkaClients;
import io.opsdb.relay.secondary.internal.transaction.EncodedOperations;
import io.opsdb.relay.secondary.internal.transaction.TrackedTransaction;
import io.opsdb.relay.secondary.internal.transaction.TransactionActionRefusedException;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent;
import io.opsdb.relay.secondary.internal.transaction.TransactionStateMachine;
import io.opsdb.relay.secondary.internal.transaction.TransactionStateTopology;
import io.opsdb.relay.secondary.internal.transaction.TransactionTracker;
import io.opsdb.relay.secondary.internal.transaction.Transition;
import io.opsdb.relay.site.SiteConfiguration;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * Buffers a transaction as one {@link WriteCommand} in this site's {@code ops.commands} and returns only
 * once the local broker has acknowledged it (idempotent producer, acks=all): from then on it is never
 * lost, whatever the WAN does.
 */
@Component
public class CommandPublisher implements DisposableBean {

    /** How long a write waits for the local broker's acknowledgement before it is refused. */
    static final Duration PRODUCE_TIMEOUT = Duration.ofSeconds(15);

    private static final MessageCodec<WriteCommand> COMMANDS = RelayCodecs.writeCommands();

    /** Sends commands already encoded: each is encoded once, to check its size and to send those same bytes. */
    private final KafkaProducer<String, byte[]> producer;

    private final TransactionTracker tracker;
    private final SiteConfiguration settings;
    private final Object retries = new Object();

    CommandPublisher(
            KafkaProperties kafka,
            SecondaryKafkaClients clients,
            TransactionTracker tracker,
            SiteConfiguration settings) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // Idempotence with at most 5 requests in flight keeps the partition in acknowledgement order.
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // Commands are checked against RelayLimits.MAX_COMMAND_BYTES before they are sent; this is the room for one.
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, RelayLimits.MAX_RECORD_BYTES);
        // Bulk commands repeat their column names and parent ids: they compress well.
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, PRODUCE_TIMEOUT.toMillis());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) PRODUCE_TIMEOUT.toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(PRODUCE_TIMEOUT.toMillis(), 10_000));
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "relay-" + settings.siteName() + "-commands");
        this.producer = clients.producer(config, new StringSerializer(), new ByteArraySerializer());
        this.tracker = tracker;
        this.settings = settings;
    }

    /**
     * Produces the transaction and waits for the local broker's acknowledgement. A request with an Idempotency-Key
     * has it carried by the command: the state stores keep the key from the command itself, so it is exactly as
     * durable as the transaction.
     *
     * @throws TransactionTooLargeException when the transaction is larger than one command may be: nothing was produced
     * @throws SiteUnavailableException when the local broker does not acknowledge in time: nothing was accepted, or
     *         the command may still arrive, and a retry under the same key is then the same transaction
     */
    public TrackedTransaction publish(WriteRequest request) {
        Instant acceptedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        WriteCommand command = request.command(settings.siteName(), acceptedAt);
        byte[] encoded = COMMANDS.encode(command);
        if (encoded.length > RelayLimits.MAX_COMMAND_BYTES) {
            throw new TransactionTooLargeException(encoded.length, RelayLimits.MAX_COMMAND_BYTES);
        }
        long offset = send(command, encoded, null);
        return tracker.acknowledged(request.transactionId(), offset, 1, EncodedOperations.of(encoded), acceptedAt);
    }

    /**
     * Publishes a FAILED transaction again, once an operator has fixed its cause: the same transaction id and
     * operations as its next attempt, at the end of the site's order. The main site applies it because its
     * ledger row is FAILED at a lower attempt; the transaction is BUFFERED again here.
     *
     * @param by who retries it
     * @return the transaction, BUFFERED again; empty when there is no such transaction
     * @throws TransactionActionRefusedException when it is not FAILED, or its command could not be read (there are no
     *         operations to apply again)
     * @throws SiteUnavailableException when the local broker does not acknowledge in time: nothing changed
     */
    public Optional<TrackedTransaction> retry(String transactionId, String by) {
        // One retry at a time: two operators retrying the same transaction at once must not publish two attempts.
        synchronized (retries) {
            Optional<TrackedTransaction> found = tracker.find(transactionId);
            if (found.isEmpty()) {
                return found;
            }
            TrackedTransaction failed = found.get();
            Transition decision =
                    TransactionStateMachine.next(failed, new TransactionEvent.RetryRequested(by), Instant.now());
            if (!decision.enters()) {
                throw new TransactionActionRefusedException(failed, "retried", decision.refusal());
            }
            TrackedTransaction.Attempt next = decision.transaction().latest();
            WriteCommand command = command(transactionId, failed.acknowledgedAt(), next.number(), next.operations());
            long offset = send(command, COMMANDS.encode(command), by);
            return Optional.of(tracker.retried(transactionId, offset, next.number(), by));
        }
    }

    private WriteCommand command(String transactionId, Instant acceptedAt, int attempt, List<Operation> operations) {
        return WriteCommand.newBuilder()
                .setTransactionId(transactionId)
                .setSite(settings.siteName())
                .setAcceptedAt(acceptedAt)
                .setAttempt(attempt)
                .setOperations(operations)
                .build();
    }

    /**
     * Produces {@code command} and returns its offset once the local broker has acknowledged it.
     *
     * @param encoded   the command as {@link RelayCodecs#writeCommands()} encodes it
     * @param retriedBy who retried it, or null for a first attempt (the transaction state stores record it)
     */
    private long send(WriteCommand command, byte[] encoded, String retriedBy) {
        String transactionId = command.getTransactionId();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(RelayTopics.COMMANDS, transactionId, encoded);
        record.headers()
                .add(RelayTopics.HEADER_TRANSACTION_ID, bytes(transactionId))
                .add(RelayTopics.HEADER_SITE, bytes(settings.siteName()))
                .add(RelayTopics.HEADER_OPERATION, bytes(describe(command.getOperations())));
        if (retriedBy != null) {
            record.headers().add(TransactionStateTopology.HEADER_RETRIED_BY, bytes(retriedBy));
        }
        RecordMetadata acknowledged;
        try {
            acknowledged = producer.send(record).get(PRODUCE_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new SiteUnavailableException(
                    "The local buffer did not acknowledge the write: " + cause.getMessage()
                            + ". Nothing was accepted; retry later.",
                    cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SiteUnavailableException("Interrupted while waiting for the local buffer.", e);
        }
        return acknowledged.offset();
    }

    private static String describe(List<Operation> operations) {
        return operations.stream()
                .map(op -> op.getType() + " " + op.getEntity())
                .distinct()
                .collect(Collectors.joining(","));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void destroy() {
        producer.close();
    }
}
