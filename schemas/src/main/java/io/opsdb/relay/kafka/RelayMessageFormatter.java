package io.opsdb.relay.kafka;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.MessageFormatter;

/**
 * Kafka's console consumer prints relay records with it as one line of JSON each: where the record is, its key, its
 * headers and its decoded value ({@link RelayJson}).
 *
 * <pre>
 * java -cp "infra/target/classes:$(cat infra/target/runtime-classpath.txt)" org.apache.kafka.tools.consumer.ConsoleConsumer \
 *     --bootstrap-server localhost:29092 --topic ops.commands --from-beginning \
 *     --formatter io.opsdb.relay.kafka.RelayMessageFormatter
 * </pre>
 */
public final class RelayMessageFormatter implements MessageFormatter {

    @Override
    public void writeTo(ConsumerRecord<byte[], byte[]> record, PrintStream output) {
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        line.put("topic", record.topic());
        line.put("partition", record.partition());
        line.put("offset", record.offset());
        line.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
        line.put("key", RelayJson.text(record.key()));
        line.set("headers", RelayJson.headers(record.headers()));
        line.set("value", RelayJson.value(record.value()));
        output.println(RelayJson.line(line));
    }
}
