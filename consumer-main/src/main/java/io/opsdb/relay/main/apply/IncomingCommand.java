package io.opsdb.relay.main.apply;

import io.opsdb.relay.schema.WriteCommand;

/** A decoded command and where it was read from. */
public record IncomingCommand(String topic, int partition, long offset, WriteCommand command) {

    public String transactionId() {
        return command.getTransactionId();
    }
}
