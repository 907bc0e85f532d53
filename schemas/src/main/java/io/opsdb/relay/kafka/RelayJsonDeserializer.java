package io.opsdb.relay.kafka;

import org.apache.kafka.common.serialization.Deserializer;

/**
 * A relay record value as a line of JSON ({@link RelayJson}), with no constructor argument, so that tools which load
 * a deserializer by class name can use it, e.g. the console consumer's
 * {@code --property value.deserializer=io.opsdb.relay.kafka.RelayJsonDeserializer --property print.headers=true}.
 */
public final class RelayJsonDeserializer implements Deserializer<String> {

    @Override
    public String deserialize(String topic, byte[] data) {
        return RelayJson.line(RelayJson.value(data));
    }
}
