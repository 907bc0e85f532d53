package io.opsdb.relay.infra;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code <workdir>/stack.properties}: written once the stack in that directory has completed its first start, so
 * that a later start knows it resumes a whole stack rather than the remains of a start that crashed half-way. It
 * keeps the ports the stack was made with (the replica's connection to the primary and the brokers' listeners are
 * part of its data) under their environment variables' names, and its secondary sites in order (their order decides
 * their ports and component names), for {@code bin/relay status} from another terminal. A site added later is
 * written into it once it has started.
 *
 * @param created when the first start completed
 * @param ports   the ports the stack was made with
 * @param sites   its secondary sites; {@link SiteList#DEFAULT} for a stack made before it could have others
 */
public record StackManifest(Instant created, StackPorts ports, SiteList sites) {

    /** The file's name in the work directory. */
    public static final String FILE_NAME = "stack.properties";

    private static final String CREATED = "created";
    private static final String SITES = "SITES";

    /** The manifest of a stack with the default site. */
    public StackManifest(Instant created, StackPorts ports) {
        this(created, ports, SiteList.DEFAULT);
    }

    /** The manifest of the stack in {@code workDir}, if its first start completed. */
    public static Optional<StackManifest> read(Path workDir) {
        Path file = workDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> values.put(name, properties.getProperty(name)));
        try {
            String sites = values.get(SITES);
            return Optional.of(new StackManifest(
                    Instant.parse(values.getOrDefault(CREATED, "")),
                    StackPorts.fromEnvironment(values),
                    sites == null ? SiteList.DEFAULT : SiteList.parse(sites)));
        } catch (RuntimeException e) {
            throw new StackException(
                    file + " is damaged (" + e.getMessage() + "): run 'bin/relay reset --yes' to start afresh", e);
        }
    }

    /** Writes this manifest into {@code workDir}. */
    public void writeTo(Path workDir) {
        Properties properties = new Properties();
        properties.setProperty(CREATED, created.toString());
        for (StackPorts.Port port : StackPorts.Port.values()) {
            properties.setProperty(port.environmentVariable(), String.valueOf(ports.get(port)));
        }
        properties.setProperty(SITES, sites.toString());
        Path file = workDir.resolve(FILE_NAME);
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, "The local stack in this directory; 'bin/relay reset --yes' deletes it");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** This manifest with other sites: those of a stack to which sites were added. */
    public StackManifest withSites(SiteList sites) {
        return new StackManifest(created, ports, sites);
    }

    /**
     * Every port that differs from the one the stack was made with, as one line per difference naming its variable;
     * empty if none does.
     */
    public List<String> portChanges(StackPorts requested) {
        List<String> changes = new ArrayList<>();
        for (StackPorts.Port port : StackPorts.Port.values()) {
            if (ports.get(port) != requested.get(port)) {
                changes.add(port.environmentVariable() + "=" + requested.get(port) + " (the stack was made with "
                        + ports.get(port) + ")");
            }
        }
        return changes;
    }
}
