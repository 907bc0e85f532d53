package io.opsdb.relay.kafka;

import io.opsdb.relay.codec.MessageCodec;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A Kafka value deserializer backed by a {@link MessageCodec}. Unreadable bytes throw
 * {@link io.opsdb.relay.codec.MessageDecodingException}; wrap it in an error-handling deserializer so a
 * poison record is set aside instead of stopping the consumer.
 */
public final class CodecDeserializer<T> implements Deserializer<T> {

    private final MessageCodec<T> codec;

    public CodecDeserializer(MessageCodec<T> codec) {
        this.codec = codec;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return codec.decode(data);
    }
}
