package io.opsdb.relay.infra;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How to run the local stack.
 *
 * @param relayHome         the project root: the stack runs {@code infra/target/classes} and the applications' jars
 *                          built there
 * @param workDir           where every component keeps its data, logs and pid file; a start resumes the stack it
 *                          holds ({@link LocalStack#start}), only {@link LocalStack#startFresh} and
 *                          {@link LocalStack#reset} delete it
 * @param ports             the ports to listen on
 * @param startApplications whether to start the two applications after the infrastructure; without them the
 *                          stack is brokers, MirrorMaker 2 and databases only
 */
public record StackConfig(Path relayHome, Path workDir, StackPorts ports, boolean startApplications) {

    /** The system property naming the project root. */
    public static final String RELAY_HOME_PROPERTY = "relay.home";

    /** The working directory under the project root that {@code bin/relay} uses. */
    public static final String DEFAULT_WORK_DIR = ".relay";

    public StackConfig {
        Objects.requireNonNull(relayHome, "relayHome");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(ports, "ports");
        relayHome = relayHome.toAbsolutePath().normalize();
        workDir = workDir.toAbsolutePath().normalize();
    }

    /**
     * The configuration of {@code bin/relay}: the project root from the {@code relay.home} system property
     * (else the current directory), work directory {@code <relayHome>/.relay}, ports from the environment,
     * applications started.
     */
    public static StackConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static StackConfig fromEnvironment(Map<String, String> environment) {
        Path relayHome = Path.of(System.getProperty(RELAY_HOME_PROPERTY, ""));
        return new StackConfig(relayHome, relayHome.resolve(DEFAULT_WORK_DIR), StackPorts.fromEnvironment(environment),
                true);
    }

    public StackConfig withWorkDir(Path workDir) {
        return new StackConfig(relayHome, workDir, ports, startApplications);
    }

    public StackConfig withPorts(StackPorts ports) {
        return new StackConfig(relayHome, workDir, ports, startApplications);
    }

    public StackConfig withApplications(boolean startApplications) {
        return new StackConfig(relayHome, workDir, ports, startApplications);
    }
}
