package io.opsdb.relay.infra.ops;

import io.opsdb.relay.infra.SecondarySite;
import io.opsdb.relay.infra.Site;
import io.opsdb.relay.infra.SiteList;
import io.opsdb.relay.infra.StackConfig;
import io.opsdb.relay.infra.StackPorts;
import io.opsdb.relay.infra.StackProcesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * Which site an operator command talks to, and with which token: any deployment's site by {@code --api} (or
 * {@code --bootstrap-server} for its Kafka cluster) with a token from {@code --token-file} or {@code RELAY_TOKEN}; or,
 * by default, a site of the local stack by name, with the stack's admin token. The token is read, sent, and never
 * printed.
 */
final class SiteTarget {

    static final String TOKEN_VARIABLE = "RELAY_TOKEN";
    static final String API_VARIABLE = "RELAY_API";

    @Option(
            names = "--site",
            paramLabel = "NAME",
            description = "a site of the local stack in .relay: cologne or a secondary's name (default: the first"
                    + " secondary)")
    String site;

    @Option(
            names = "--api",
            paramLabel = "URL",
            description = "the API of any site, e.g. https://relay.observatory.example:8001 (default: $" + API_VARIABLE
                    + ", else the local stack's site)")
    URI api;

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            description = "a file holding the API token (default: $" + TOKEN_VARIABLE
                    + ", else the local stack's admin token)")
    Path tokenFile;

    private Supplier<StackConfig> config;
    private Map<String, String> environment = System.getenv();

    SiteTarget configuredBy(Supplier<StackConfig> config, Map<String, String> environment) {
        this.config = config;
        this.environment = environment;
        return this;
    }

    URI api() {
        if (api != null) {
            return api;
        }
        String fromEnvironment = environment.get(API_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank() && site == null) {
            return URI.create(fromEnvironment.trim());
        }
        return URI.create("http://127.0.0.1:" + localPort(true));
    }

    /** The Kafka cluster of the chosen local site, as {@code host:port}. */
    String localBootstrapServers() {
        return "127.0.0.1:" + localPort(false);
    }

    String token() {
        try {
            if (tokenFile != null) {
                return Files.readString(tokenFile).trim();
            }
            String fromEnvironment = environment.get(TOKEN_VARIABLE);
            if (fromEnvironment != null && !fromEnvironment.isBlank()) {
                return fromEnvironment.trim();
            }
            Path admin = config.get().workDir().resolve("secrets").resolve("admin-token");
            if (!Files.isRegularFile(admin)) {
                throw new IllegalArgumentException("no token: give --token-file or set " + TOKEN_VARIABLE
                        + " (no local stack in " + config.get().workDir() + ")");
            }
            return Files.readString(admin).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token: " + e.getMessage(), e);
        }
    }

    private int localPort(boolean api) {
        // The stack in the work directory as it was made, else as configured: what bin/relay status reads.
        StackProcesses stack = new StackProcesses(config.get());
        SiteList sites = stack.sites();
        StackPorts ports = stack.ports();
        String name = site == null ? sites.first().name() : site;
        if (name.equals(Site.COLOGNE.siteName())) {
            return api ? ports.mainApi() : ports.mainKafka();
        }
        for (SecondarySite secondary : sites.secondaries()) {
            if (secondary.name().equals(name)) {
                StackPorts.SecondaryPorts own = ports.secondary(secondary.index());
                return api ? own.api() : own.kafka();
            }
        }
        throw new IllegalArgumentException("no site '" + name + "' in the local stack; its sites: "
                + Site.COLOGNE.siteName() + ", " + String.join(", ", sites.names()));
    }
}
