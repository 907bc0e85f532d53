package io.opsdb.relay.infra.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The end of a log file, to put into an error message. */
public final class LogTail {

    // Broker and application logs grow large: read only their end.
    private static final int MAX_BYTES = 64 * 1024;

    private LogTail() {}

    /** The last {@code lines} lines of {@code logFile}, each indented, or a note if it cannot be read. */
    public static String of(Path logFile, int lines) {
        if (!Files.isRegularFile(logFile)) {
            return "  (" + logFile + " does not exist)";
        }
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long start = Math.max(0, file.length() - MAX_BYTES);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            List<String> all = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\\R"));
            List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
            return "  " + String.join("\n  ", last);
        } catch (IOException e) {
            return "  (cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }
}
