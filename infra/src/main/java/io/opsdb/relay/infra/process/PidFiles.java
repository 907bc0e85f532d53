package io.opsdb.relay.infra.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code <workdir>/pids/<component>.pid} files. They let a new run clean up after one that died without
 * stopping its processes (kill -9 of the launcher, a crashed test JVM).
 */
public final class PidFiles {

    private static final Logger LOG = LoggerFactory.getLogger(PidFiles.class);

    private PidFiles() {}

    public static void write(Path pidFile, long pid) {
        try {
            Files.createDirectories(pidFile.getParent());
            Files.writeString(pidFile, pid + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Kills every process recorded in {@code pidsDir} that is still alive, together with its descendants. A pid
     * counts only if that process's command line mentions {@code workDir}, so that a pid the OS has since reused
     * for something else is left alone.
     */
    public static void killLeftovers(Path pidsDir, Path workDir) {
        if (!Files.isDirectory(pidsDir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(pidsDir, "*.pid")) {
            for (Path file : files) {
                running(file, workDir).ifPresent(process -> {
                    LOG.warn("Killing leftover process {} of a previous run ({})", process.pid(), file.getFileName());
                    Processes.killWithDescendants(process);
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The process recorded in {@code pidFile}, if it is alive and its command line mentions {@code workDir} (a pid the
     * OS has reused for something else does not count).
     */
    public static Optional<ProcessHandle> running(Path pidFile, Path workDir) {
        return read(pidFile)
                .flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(process -> process.info().commandLine().orElse("").contains(workDir.toString()));
    }

    private static Optional<Long> read(Path pidFile) {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
