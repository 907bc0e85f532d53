package io.opsdb.relay.kafka;

import io.opsdb.relay.codec.MessageCodec;
import org.apache.kafka.common.serialization.Serializer;

/** A Kafka value serializer backed by a {@link MessageCodec}. */
public final class CodecSerializer<T> implements Serializer<T> {

    private final MessageCodec<T> codec;

    public CodecSerializer(MessageCodec<T> codec) {
        this.codec = codec;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : codec.encode(data);
    }
}
