package io.opsdb.relay.main.internal.apply;

import io.opsdb.relay.schema.WriteCommand;

/**
 * A decoded command and where it was read from.
 *
 * @param payload the record value it was decoded from (Avro single-object encoding), kept with a FAILED
 *        command as its dead letter; null when the command was not read from a record (a direct write, a
 *        retry), in which case it is encoded again
 */
public record IncomingCommand(String topic, int partition, long offset, WriteCommand command, byte[] payload) {

    public IncomingCommand(String topic, int partition, long offset, WriteCommand command) {
        this(topic, partition, offset, command, null);
    }

    public String transactionId() {
        return command.getTransactionId();
    }
}
