package io.opsdb.relay.infra.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The layout of the stack's working directory: {@code logs/<component>.log}, {@code pids/<component>.pid},
 * {@code launcher.pid}, {@code secrets/}, {@code lib/} and one data directory per component. It outlives the
 * processes: a later start resumes on it, and only {@link #delete()} (or {@link #recreate()}) wipes it.
 */
public record WorkDirectory(Path root) {

    public Path logs() {
        return root.resolve("logs");
    }

    public Path pids() {
        return root.resolve("pids");
    }

    public Path secrets() {
        return root.resolve("secrets");
    }

    /** Requests to the running launcher from other terminals (sites to add). */
    public Path requests() {
        return root.resolve("requests");
    }

    /** Copies of what the processes run, see {@link #snapshot(Path)}. */
    public Path lib() {
        return root.resolve("lib");
    }

    /** The pid of the JVM that started the stack and stops it on SIGTERM, see {@link LauncherPidFile}. */
    public Path launcherPidFile() {
        return root.resolve("launcher.pid");
    }

    public Path logFile(String component) {
        return logs().resolve(component + ".log");
    }

    public Path pidFile(String component) {
        return pids().resolve(component + ".pid");
    }

    /** Where a component keeps its data and configuration. */
    public Path data(String component) {
        return root.resolve(component);
    }

    /**
     * Whether any component has data here: anything beside the directory's own {@code logs}, {@code pids},
     * {@code lib}, {@code secrets}, {@code requests} and {@code launcher.pid}. Without such data there is no stack to
     * resume, only what a start that failed before its first component left.
     */
    public boolean holdsComponentData() {
        if (!Files.isDirectory(root)) {
            return false;
        }
        Set<Path> own = Set.of(logs(), pids(), lib(), secrets(), requests(), launcherPidFile());
        try (Stream<Path> entries = Files.list(root)) {
            return entries.anyMatch(entry -> !own.contains(entry));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + root + ": " + e.getMessage(), e);
        }
    }

    /** Creates the directory with its {@code logs}, {@code pids} and {@code secrets} subdirectories where missing. */
    public void create() {
        try {
            Files.createDirectories(logs());
            Files.createDirectories(pids());
            Files.createDirectories(secrets());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + root + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the directory and everything in it. Kill its processes first ({@link PidFiles#killLeftovers}). */
    public void delete() {
        deleteRecursively(root);
    }

    /**
     * Deletes the directory and creates it empty with its {@code logs}, {@code pids} and {@code secrets}
     * subdirectories. Kill a previous run's leftovers first ({@link PidFiles#killLeftovers}).
     */
    public void recreate() {
        delete();
        create();
    }

    /**
     * Copies a jar or class directory into {@code lib/} and returns the copy. Processes run from the copy so that
     * rebuilding the project while the stack runs cannot break a component's restart; a file that does not
     * exist is returned as it is, for the component to report.
     */
    public Path snapshot(Path source) {
        if (!Files.exists(source)) {
            return source;
        }
        Path copy = lib().resolve(source.getFileName());
        try {
            Files.createDirectories(lib());
            if (Files.isDirectory(source)) {
                try (Stream<Path> files = Files.walk(source)) {
                    for (Path file : (Iterable<Path>) files::iterator) {
                        Path target = copy.resolve(source.relativize(file).toString());
                        if (Files.isDirectory(file)) {
                            Files.createDirectories(target);
                        } else {
                            Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            } else {
                Files.copy(source, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + source + " to " + lib() + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a file, or a directory and everything in it; nothing if it does not exist. */
    public static void deleteRecursively(Path path) {
        try {
            walkDeleting(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path + ": " + e.getMessage(), e);
        }
    }

    private static void walkDeleting(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        Files.walkFileTree(directory, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
