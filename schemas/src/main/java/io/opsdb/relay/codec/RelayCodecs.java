package io.opsdb.relay.codec;

import io.opsdb.relay.schema.TransactionOutcome;
import io.opsdb.relay.schema.WriteCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The codecs of the two relay messages. Released schema versions live as resources under
 * {@code io/opsdb/relay/schema/history/<Name>.v<N>.avsc}; each is registered as a writer schema so
 * records written by older producers stay readable.
 */
public final class RelayCodecs {

    static final String HISTORY = "/io/opsdb/relay/schema/history/";

    private RelayCodecs() {}

    public static MessageCodec<WriteCommand> writeCommands() {
        return new AvroSingleObjectCodec<>(WriteCommand.class, releasedSchemas("WriteCommand"));
    }

    public static MessageCodec<TransactionOutcome> transactionOutcomes() {
        return new AvroSingleObjectCodec<>(TransactionOutcome.class, releasedSchemas("TransactionOutcome"));
    }

    /** Every released version of a schema, oldest first. */
    public static List<Schema> releasedSchemas(String name) {
        List<Schema> schemas = new ArrayList<>();
        for (int version = 1; ; version++) {
            try (InputStream in = RelayCodecs.class.getResourceAsStream(HISTORY + name + ".v" + version + ".avsc")) {
                if (in == null) {
                    return schemas;
                }
                schemas.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read released schema " + name + " v" + version, e);
            }
        }
    }
}
