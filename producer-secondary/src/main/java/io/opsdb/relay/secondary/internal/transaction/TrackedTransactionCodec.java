package io.opsdb.relay.secondary.internal.transaction;

import io.opsdb.relay.codec.MessageCodec;
import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.WriteCommand;
import io.opsdb.relay.secondary.internal.transaction.TrackedTransaction.Attempt;
import io.opsdb.relay.secondary.internal.transaction.TrackedTransaction.Progress;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The bytes of a {@link TrackedTransaction} in a state store. Its operations travel as a {@link WriteCommand},
 * the schema that already has a compatibility contract; the rest is a fixed layout behind a version byte.
 */
final class TrackedTransactionCodec {

    private static final byte VERSION = 1;
    private static final MessageCodec<WriteCommand> COMMANDS = RelayCodecs.writeCommands();

    private TrackedTransactionCodec() {}

    static byte[] encode(TrackedTransaction tx) {
        Attempt latest = tx.latest();
        Progress progress = tx.progress();
        int operationBytes = latest.operations() instanceof EncodedOperations encoded ? encoded.encodedLength() : 0;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + operationBytes);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            // Layout 1 interleaves the parts (it is older than them): the stores written with it must still decode.
            out.writeByte(VERSION);
            writeText(out, tx.transactionId());
            out.writeLong(latest.sequence());
            out.writeInt(latest.number());
            out.writeByte(progress.state().code());
            writeInstant(out, tx.acknowledgedAt());
            out.writeBoolean(progress.commitLsn() != null);
            if (progress.commitLsn() != null) {
                out.writeLong(progress.commitLsn().asLong());
            }
            writeInstant(out, progress.appliedAt());
            writeInstant(out, progress.visibleAt());
            writeText(out, progress.error());
            writeAction(out, tx.retried());
            writeAction(out, progress.discarded());
            if (latest.operations() instanceof EncodedOperations encoded) {
                encoded.writeTo(out);
            } else {
                byte[] operations = operations(tx.transactionId(), latest.operations());
                out.writeInt(operations.length);
                out.write(operations);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static TrackedTransaction decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("unknown tracked transaction layout " + version);
            }
            String id = readText(in);
            long sequence = in.readLong();
            int attempt = in.readInt();
            TransactionState state = TransactionState.ofCode(in.readByte());
            Instant acknowledgedAt = readInstant(in);
            Lsn commitLsn = in.readBoolean() ? Lsn.valueOf(in.readLong()) : null;
            Instant appliedAt = readInstant(in);
            Instant visibleAt = readInstant(in);
            String error = readText(in);
            OperatorAction retried = readAction(in);
            OperatorAction discarded = readAction(in);
            // The operations are the layout's last part: they stay in the stored bytes until one is read.
            int length = in.readInt();
            if (in.available() != length) {
                throw new IllegalStateException("tracked transaction " + id + ": " + length
                        + " bytes of operations announced, " + in.available() + " left");
            }
            return new TrackedTransaction(
                    id,
                    acknowledgedAt,
                    new Attempt(sequence, attempt, EncodedOperations.of(bytes, bytes.length - length, length)),
                    new Progress(state, commitLsn, appliedAt, visibleAt, error, discarded),
                    retried);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One operation's bytes (the overlay stores them one by one). */
    static byte[] encodeOperation(String transactionId, Operation operation) {
        return operations(transactionId, List.of(operation));
    }

    static Operation decodeOperation(byte[] bytes) {
        return operations(bytes).get(0);
    }

    private static byte[] operations(String transactionId, List<Operation> operations) {
        return COMMANDS.encode(WriteCommand.newBuilder()
                .setTransactionId(transactionId)
                .setSite("")
                .setAcceptedAt(Instant.EPOCH)
                .setAttempt(1)
                .setOperations(operations)
                .build());
    }

    private static List<Operation> operations(byte[] bytes) {
        return List.copyOf(COMMANDS.decode(bytes).getOperations());
    }

    private static void writeText(DataOutputStream out, String text) throws IOException {
        if (text == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readText(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] utf8 = new byte[length];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static void writeInstant(DataOutputStream out, Instant at) throws IOException {
        out.writeBoolean(at != null);
        if (at != null) {
            out.writeLong(at.getEpochSecond());
            out.writeInt(at.getNano());
        }
    }

    private static Instant readInstant(DataInputStream in) throws IOException {
        return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
    }

    private static void writeAction(DataOutputStream out, OperatorAction action) throws IOException {
        out.writeBoolean(action != null);
        if (action != null) {
            writeText(out, action.by());
            writeInstant(out, action.at());
        }
    }

    private static OperatorAction readAction(DataInputStream in) throws IOException {
        return in.readBoolean() ? new OperatorAction(readText(in), readInstant(in)) : null;
    }
}
