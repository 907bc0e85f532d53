package io.opsdb.relay.infra.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The layout of the stack's working directory: {@code logs/<component>.log}, {@code pids/<component>.pid},
 * {@code secrets/} and one data directory per component.
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
     * Kills what a previous run left behind, then deletes the directory and creates it empty with its
     * {@code logs}, {@code pids} and {@code secrets} subdirectories.
     */
    public void recreate() {
        PidFiles.killLeftovers(pids(), root);
        try {
            deleteRecursively(root);
            Files.createDirectories(logs());
            Files.createDirectories(pids());
            Files.createDirectories(secrets());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot recreate " + root + ": " + e.getMessage(), e);
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
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
