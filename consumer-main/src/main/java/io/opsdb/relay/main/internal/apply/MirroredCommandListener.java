package io.opsdb.relay.main.internal.apply;

import io.opsdb.relay.codec.MessageCodec;
import io.opsdb.relay.codec.MessageDecodingException;
import io.opsdb.relay.schema.WriteCommand;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Applies the commands of a secondary site as MirrorMaker 2 mirrors them ({@code <site>.ops.commands}, one partition,
 * so a site's commands arrive in the order the site acknowledged them), a poll's batch at a time. Each site's
 * listener container calls it on its own thread ({@link SiteAppliers}); it keeps no state of its own (the
 * {@link MirrorLatency} it reports to keeps what it measured). Offsets are committed after the batch is in the database; a transient failure is
 * thrown so the container retries the same batch with back-off, never skipping it. A record that is not a
 * readable command is set aside ({@link CommandApplier#setAside}): FAILED with its reason when its headers
 * name its transaction, so its site learns its fate.
 */
@Component
public class MirroredCommandListener {

    /** The prefix of each site's listener container id, {@code command-applier-<site>}. */
    public static final String ID = "command-applier";

    /**
     * The prefix of each site's consumer group, {@code relay-applier-<site>}; before there was an applier per site,
     * the one applier of every site consumed in this group itself, whose offsets a site's new group starts from.
     */
    public static final String GROUP = "relay-applier";

    private static final Logger LOG = LoggerFactory.getLogger(MirroredCommandListener.class);

    private final CommandApplier applier;
    private final MessageCodec<WriteCommand> codec;
    private final MirrorLatency latency;

    MirroredCommandListener(CommandApplier applier, MessageCodec<WriteCommand> codec, MirrorLatency latency) {
        this.applier = applier;
        this.codec = codec;
        this.latency = latency;
    }

    /** Applies one poll's batch of a site's commands: a transient failure is thrown, for the container to retry it. */
    void onCommands(List<ConsumerRecord<String, byte[]>> records) {
        latency.received(records);
        List<IncomingCommand> commands = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                WriteCommand command = codec.decode(record.value());
                BoundOperation.requireUuid(command.getTransactionId(), "transaction id");
                commands.add(new IncomingCommand(
                        record.topic(), record.partition(), record.offset(), command, record.value()));
            } catch (MessageDecodingException | InvalidCommandException e) {
                // Set aside at once, ahead of the readable commands of the batch: it fails whatever comes before it.
                applier.setAside(UnreadableCommand.of(record, e.getMessage()));
            }
        }
        if (!commands.isEmpty()) {
            CommandApplier.ApplyReport report = applier.apply(commands);
            LOG.debug("Batch of {}: {}", records.size(), report);
        }
    }
}
