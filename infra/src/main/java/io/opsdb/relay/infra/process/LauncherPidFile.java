package io.opsdb.relay.infra.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code <workdir>/launcher.pid}: the JVM that started the stack in that directory and stops it, in order, when it
 * gets SIGTERM (its shutdown hook). {@code bin/relay stop} signals it from another terminal, and a second start on
 * the same directory refuses while it lives.
 *
 * <p>The file holds the pid and the process's start time: the launcher's command line need not mention the work
 * directory, so the start time is what tells it from a process that got the same pid later.
 */
public record LauncherPidFile(Path file) {

    /** Records the current JVM as the launcher. */
    public void writeCurrent() {
        write(ProcessHandle.current());
    }

    /** Records {@code launcher}. */
    public void write(ProcessHandle launcher) {
        String started = launcher.info().startInstant().map(Instant::toString).orElse("-");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, launcher.pid() + " " + started + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the file if it names the current JVM; a file another launcher wrote meanwhile is left alone. */
    public void deleteIfCurrent() {
        if (running()
                .filter(process -> process.pid() == ProcessHandle.current().pid())
                .isPresent()) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** The launcher recorded in the file, if that process still runs. */
    public Optional<ProcessHandle> running() {
        String[] fields;
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            fields = Files.readString(file).trim().split("\\s+");
        } catch (IOException e) {
            return Optional.empty();
        }
        if (fields.length != 2) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(fields[0]);
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(process -> fields[1].equals(
                            process.info().startInstant().map(Instant::toString).orElse("-")));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The launcher recorded in the file if it is a process other than the current JVM and still runs. */
    public Optional<ProcessHandle> other() {
        return running()
                .filter(process -> process.pid() != ProcessHandle.current().pid());
    }
}
