package io.opsdb.relay.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opsdb.relay.codec.MessageCodec;
import io.opsdb.relay.codec.MessageDecodingException;
import io.opsdb.relay.codec.RelayCodecs;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Relay record values as JSON, for people and for the tools they already have. A value is decoded by the schema
 * fingerprint it carries (a write command or a transaction outcome, any released version) and printed with its fields
 * by name: timestamps as ISO-8601, enums by name, the operations' values as plain JSON values. Bytes that are no
 * relay message are printed as {@code {"unreadable": reason, "base64": ...}}, never dropped.
 *
 * <p>As a program it reads what {@code kcat -f '%R%s'} writes (each value preceded by its length as a big-endian
 * 32-bit integer) and prints one JSON line per value:
 *
 * <pre>
 * kcat -C -b localhost:29092 -t ops.commands -e -f '%R%s' | java -cp "infra/target/classes:$(cat infra/target/runtime-classpath.txt)" io.opsdb.relay.kafka.RelayJson
 * </pre>
 */
public final class RelayJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<MessageCodec<? extends IndexedRecord>> CODECS =
            List.of(RelayCodecs.writeCommands(), RelayCodecs.transactionOutcomes());

    private RelayJson() {}

    /** A record value as JSON: the relay message it holds, JSON null for no value, or what makes it unreadable. */
    public static JsonNode value(byte[] value) {
        if (value == null) {
            return NODES.nullNode();
        }
        List<String> reasons = new ArrayList<>();
        for (MessageCodec<? extends IndexedRecord> codec : CODECS) {
            try {
                return record(codec.decode(value));
            } catch (MessageDecodingException e) {
                reasons.add(e.getMessage());
            }
        }
        ObjectNode unreadable = NODES.objectNode();
        unreadable.put("unreadable", String.join("; ", reasons));
        unreadable.put("base64", Base64.getEncoder().encodeToString(value));
        return unreadable;
    }

    /** A record's headers as a JSON object of UTF-8 texts; the last wins where a name repeats. */
    public static ObjectNode headers(Headers headers) {
        ObjectNode node = NODES.objectNode();
        for (Header header : headers) {
            node.put(header.key(), header.value() == null ? null : text(header.value()));
        }
        return node;
    }

    /** UTF-8 text of a key or header; null for null. */
    public static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** One line of JSON, as the tools print it. */
    public static String line(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** Prints each length-prefixed value on standard input ({@code kcat -f '%R%s'}) as a line of JSON. */
    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(new BufferedOutputStream(System.out), false, StandardCharsets.UTF_8);
        try (DataInputStream in = new DataInputStream(System.in)) {
            while (true) {
                int length;
                try {
                    length = in.readInt();
                } catch (EOFException end) {
                    return;
                }
                // -1 is kcat's null; a value cut short by the end of the input is printed as unreadable.
                byte[] value = length < 0 ? null : in.readNBytes(length);
                out.println(line(value(value)));
                out.flush();
            }
        }
    }

    private static JsonNode record(IndexedRecord record) {
        ObjectNode node = NODES.objectNode();
        for (Schema.Field field : record.getSchema().getFields()) {
            node.set(field.name(), datum(record.get(field.pos())));
        }
        return node;
    }

    private static JsonNode datum(Object datum) {
        if (datum == null) {
            return NODES.nullNode();
        } else if (datum instanceof IndexedRecord record) {
            return record(record);
        } else if (datum instanceof CharSequence text) {
            return NODES.textNode(text.toString());
        } else if (datum instanceof Boolean flag) {
            return NODES.booleanNode(flag);
        } else if (datum instanceof Integer number) {
            return NODES.numberNode(number);
        } else if (datum instanceof Long number) {
            return NODES.numberNode(number);
        } else if (datum instanceof Float number) {
            return NODES.numberNode(number);
        } else if (datum instanceof Double number) {
            return NODES.numberNode(number);
        } else if (datum instanceof Enum<?> symbol) {
            return NODES.textNode(symbol.name());
        } else if (datum instanceof GenericEnumSymbol<?> symbol) {
            return NODES.textNode(symbol.toString());
        } else if (datum instanceof TemporalAccessor time) {
            return NODES.textNode(time.toString());
        } else if (datum instanceof ByteBuffer bytes) {
            ByteBuffer copy = bytes.duplicate();
            byte[] content = new byte[copy.remaining()];
            copy.get(content);
            return NODES.textNode(Base64.getEncoder().encodeToString(content));
        } else if (datum instanceof List<?> items) {
            ArrayNode array = NODES.arrayNode();
            items.forEach(item -> array.add(datum(item)));
            return array;
        } else if (datum instanceof Map<?, ?> entries) {
            ObjectNode object = NODES.objectNode();
            entries.forEach((key, value) -> object.set(String.valueOf(key), datum(value)));
            return object;
        }
        return NODES.textNode(datum.toString());
    }
}
