package io.opsdb.relay.infra;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run the local stack.
 *
 * @param relayHome         the project root: the stack runs {@code infra/target/classes} and the applications' jars
 *                          built there
 * @param workDir           where every component keeps its data, logs and pid file; a start resumes the stack it
 *                          holds ({@link LocalStack#start}), only {@link LocalStack#startFresh} and
 *                          {@link LocalStack#reset} delete it
 * @param ports             the ports to listen on; the secondaries' follow the first one's ({@link StackPorts})
 * @param startApplications whether to start the applications after the infrastructure; without them the
 *                          stack is brokers, MirrorMaker 2 and databases only
 * @param sites             the secondary sites asked for ({@code --sites}); empty: those of the stack in
 *                          {@code workDir}, or {@link SiteList#DEFAULT} for a new one. A stack resumed with more sites
 *                          than it was made with gets the new ones added; one with fewer is refused
 */
public record StackConfig(
        Path relayHome, Path workDir, StackPorts ports, boolean startApplications, Optional<SiteList> sites) {

    /** The system property naming the project root. */
    public static final String RELAY_HOME_PROPERTY = "relay.home";

    /** The working directory under the project root that {@code bin/relay} uses. */
    public static final String DEFAULT_WORK_DIR = ".relay";

    public StackConfig {
        Objects.requireNonNull(relayHome, "relayHome");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(ports, "ports");
        Objects.requireNonNull(sites, "sites");
        relayHome = relayHome.toAbsolutePath().normalize();
        workDir = workDir.toAbsolutePath().normalize();
    }

    /** A configuration with the sites of the stack in {@code workDir}, or the default ones for a new stack. */
    public StackConfig(Path relayHome, Path workDir, StackPorts ports, boolean startApplications) {
        this(relayHome, workDir, ports, startApplications, Optional.empty());
    }

    /**
     * The configuration of {@code bin/relay}: the project root from the {@code relay.home} system property
     * (else the current directory), work directory {@code <relayHome>/.relay}, ports from the environment,
     * applications started, the sites of the stack there.
     */
    public static StackConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static StackConfig fromEnvironment(Map<String, String> environment) {
        Path relayHome = Path.of(System.getProperty(RELAY_HOME_PROPERTY, ""));
        return new StackConfig(
                relayHome, relayHome.resolve(DEFAULT_WORK_DIR), StackPorts.fromEnvironment(environment), true);
    }

    public StackConfig withWorkDir(Path workDir) {
        return new StackConfig(relayHome, workDir, ports, startApplications, sites);
    }

    public StackConfig withPorts(StackPorts ports) {
        return new StackConfig(relayHome, workDir, ports, startApplications, sites);
    }

    public StackConfig withApplications(boolean startApplications) {
        return new StackConfig(relayHome, workDir, ports, startApplications, sites);
    }

    public StackConfig withSites(SiteList sites) {
        return new StackConfig(relayHome, workDir, ports, startApplications, Optional.of(sites));
    }
}
