package io.opsdb.relay.secondary.internal.transaction;

import io.opsdb.relay.codec.MessageCodec;
import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.WriteCommand;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * A transaction's operations kept as the encoded {@link WriteCommand} they arrived in, decoded only when an operation
 * is read. The state stores keep a transaction's operations with its state, so every state change (BUFFERED, APPLIED,
 * VISIBLE) and every status read decoded the whole transaction, and every state change encoded it again. For the
 * largest legal transaction (8 MiB as a command, several times that as objects) that filled a secondary's heap: while
 * MaximalWriteIT's writes settled, observatory-app's old generation filled (128 MiB of its 192) with 16 full
 * collections in 10 s, and in one run of the fault suite it ended with an {@code OutOfMemoryError}. Kept encoded, a
 * state change copies its bytes and a status read of it decodes nothing; the operations are decoded where they are
 * used (the in-flight overlay, a retry).
 */
public final class EncodedOperations extends AbstractList<Operation> implements RandomAccess {

    private static final MessageCodec<WriteCommand> COMMANDS = RelayCodecs.writeCommands();

    private final byte[] bytes;
    private final int offset;
    private final int length;
    /** Decoded on first use; two threads may both decode, to equal lists. */
    private volatile List<Operation> decoded;

    private EncodedOperations(byte[] bytes, int offset, int length, List<Operation> decoded) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
        this.decoded = decoded;
    }

    /**
     * @param command  a {@link WriteCommand} as {@link RelayCodecs#writeCommands()} encodes it
     * @param decoded  its operations, when the caller has already decoded them (so they are not decoded again)
     */
    public static EncodedOperations of(byte[] command, List<Operation> decoded) {
        return new EncodedOperations(command, 0, command.length, List.copyOf(decoded));
    }

    /**
     * The operations of {@code command}, decoded when first read. A transaction acknowledged but not yet taken in by
     * the state processor waits in the tracker's heap this way: as its 8 MiB at most, not as the objects they decode
     * to (several times that), which four of the largest waiting at once did not leave room for.
     */
    public static EncodedOperations of(byte[] command) {
        return new EncodedOperations(command, 0, command.length, null);
    }

    /** The operations of the command in {@code bytes[offset, offset + length)}, decoded when first read. */
    static EncodedOperations of(byte[] bytes, int offset, int length) {
        return new EncodedOperations(bytes, offset, length, null);
    }

    /** Writes the command's length and bytes as they are: no decoding, no encoding. */
    void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(length);
        out.write(bytes, offset, length);
    }

    int encodedLength() {
        return length;
    }

    /** Whether the operations have been decoded (for the tests: a state change or a status read decodes nothing). */
    boolean isDecoded() {
        return decoded != null;
    }

    @Override
    public Operation get(int index) {
        return operations().get(index);
    }

    @Override
    public int size() {
        return operations().size();
    }

    private List<Operation> operations() {
        List<Operation> operations = decoded;
        if (operations == null) {
            operations = decodeOnce();
            decoded = operations;
        }
        return operations;
    }

    /** The operations, decoded for this caller only if they were not yet: the list is not kept. */
    List<Operation> decodeOnce() {
        List<Operation> operations = decoded;
        if (operations != null) {
            return operations;
        }
        byte[] command =
                offset == 0 && length == bytes.length ? bytes : Arrays.copyOfRange(bytes, offset, offset + length);
        return List.copyOf(COMMANDS.decode(command).getOperations());
    }
}
