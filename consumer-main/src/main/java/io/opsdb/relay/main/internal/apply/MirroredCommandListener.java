package io.opsdb.relay.main.internal.apply;

import io.opsdb.relay.codec.MessageCodec;
import io.opsdb.relay.codec.MessageDecodingException;
import io.opsdb.relay.schema.WriteCommand;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes the commands of every secondary site as MirrorMaker 2 mirrors them ({@code <site>.ops.commands},
 * one partition each, so a site's commands arrive in the order the site acknowledged them) and applies
 * each poll's batch. Offsets are committed after the batch is in the database; a transient failure is
 * thrown so the container retries the same batch with back-off, never skipping it. A record that is not a
 * readable command is set aside ({@link CommandApplier#setAside}): FAILED with its reason when its headers
 * name its transaction, so its site learns its fate.
 */
@Component
public class MirroredCommandListener {

    /** The listener container's id: started by the ledger capture once its slot exists, and watched by health. */
    public static final String ID = "command-applier";

    private static final Logger LOG = LoggerFactory.getLogger(MirroredCommandListener.class);

    private final CommandApplier applier;
    private final MessageCodec<WriteCommand> codec;

    MirroredCommandListener(CommandApplier applier, MessageCodec<WriteCommand> codec) {
        this.applier = applier;
        this.codec = codec;
    }

    @KafkaListener(
            id = ID,
            topicPattern = "#{T(io.opsdb.relay.kafka.RelayTopics).MIRRORED_COMMANDS.pattern()}",
            containerFactory = "commandContainerFactory",
            autoStartup = "false")
    void onCommands(List<ConsumerRecord<String, byte[]>> records) {
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
