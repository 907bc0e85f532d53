package io.opsdb.relay.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
    /** A small message's size: a larger one grows the buffer. */
    private static final int INITIAL_BUFFER_BYTES = 512;

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

    /**
     * Encodes into a buffer of this call's own. Avro's {@code encode(message)} writes into a buffer it keeps per thread
     * and never shrinks: every thread that once encoded the largest command (8 MiB) kept 8 to 16 MiB for good, and a
     * secondary's request threads together held most of its heap.
     */
    @Override
    public byte[] encode(T message) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(INITIAL_BUFFER_BYTES);
            encoder.encode(message, bytes);
            return bytes.toByteArray();
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
