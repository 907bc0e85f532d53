package io.opsdb.relay.codec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Collection;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding: a two-byte marker, the writer schema's 64-bit CRC fingerprint, then
 * the binary datum. Self-describing without a registry: the decoder resolves every writer schema it
 * knows (the current one and each released earlier version) to the current reader schema.
 */
public final class AvroSingleObjectCodec<T extends SpecificRecord> implements MessageCodec<T> {

    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    /**
     * @param type the generated class
     * @param earlierWriterSchemas released earlier versions of the schema that may still be in a topic
     */
    public AvroSingleObjectCodec(Class<T> type, Collection<Schema> earlierWriterSchemas) {
        SpecificData model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        SchemaStore.Cache store = new SchemaStore.Cache();
        earlierWriterSchemas.forEach(store::addSchema);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema, store);
    }

    public Schema schema() {
        return schema;
    }

    @Override
    public byte[] encode(T message) {
        try {
            ByteBuffer buffer = encoder.encode(message);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + schema.getName(), e);
        }
    }

    @Override
    public T decode(byte[] bytes) {
        if (bytes == null) {
            throw new MessageDecodingException("no value: expected a " + schema.getName(), null);
        }
        try {
            return decoder.decode(bytes);
        } catch (IOException | RuntimeException e) {
            throw new MessageDecodingException("not a readable " + schema.getName() + ": " + e.getMessage(), e);
        }
    }
}
