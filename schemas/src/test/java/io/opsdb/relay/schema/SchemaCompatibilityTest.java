package io.opsdb.relay.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.codec.RelayCodecs;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Schema evolution, checked in the build with Avro's own checker: the current schema of each message
 * must read every released version (backward compatibility, so a consumer upgraded first still reads
 * what sits in a topic), and the current schema must itself be released.
 */
class SchemaCompatibilityTest {

    static Stream<Arguments> messages() {
        return Stream.of(
                Arguments.of("WriteCommand", WriteCommand.getClassSchema()),
                Arguments.of("TransactionOutcome", TransactionOutcome.getClassSchema()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void currentSchemaReadsEveryReleasedVersion(String name, Schema current) {
        List<Schema> released = RelayCodecs.releasedSchemas(name);
        assertThat(released).as("released versions of %s", name).isNotEmpty();
        for (int i = 0; i < released.size(); i++) {
            var result = SchemaCompatibility.checkReaderWriterCompatibility(current, released.get(i));
            assertThat(result.getType())
                    .as("%s v%d -> current: %s", name, i + 1, result.getResult().getIncompatibilities())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void currentSchemaIsReleased(String name, Schema current) {
        List<Schema> released = RelayCodecs.releasedSchemas(name);
        assertThat(released.get(released.size() - 1))
                .as("%s changed: add it as history/%s.v%d.avsc", name, name, released.size() + 1)
                .isEqualTo(current);
    }

    @Test
    void checkerRejectsARequiredFieldWithoutDefault() {
        Schema withNewRequiredField = new Schema.Parser()
                .parse(WriteCommand.getClassSchema()
                        .toString()
                        .replace("\"fields\":[", "\"fields\":[{\"name\":\"priority\",\"type\":\"int\"},"));
        var result =
                SchemaCompatibility.checkReaderWriterCompatibility(withNewRequiredField, WriteCommand.getClassSchema());
        assertThat(result.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }
}
