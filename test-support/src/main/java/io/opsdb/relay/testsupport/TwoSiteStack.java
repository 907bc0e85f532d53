package io.opsdb.relay.testsupport;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.infra.SiteList;
import io.opsdb.relay.infra.StackConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The whole system, started once per test run by the same launcher as {@code bin/relay} and shared by every flow
 * test; stopped when the run ends. It starts afresh ({@link LocalStack#startFresh}): a test run never depends on what
 * an earlier one left. Ports are offset so a running {@code bin/relay up} does not collide with it. Its secondary
 * sites are {@value #SITES_PROPERTY} (comma-separated; the observatory alone by default, the two-site stack most tests
 * are written for).
 */
public final class TwoSiteStack implements BeforeAllCallback {

    /** Ports are the defaults plus this (system property {@code relay.it.port-offset}, default 500). */
    public static final int PORT_OFFSET = Integer.getInteger("relay.it.port-offset", 500);
    /** Under the project root (system property {@code relay.it.work-dir}, default system-tests/target/it-stack). */
    static final String WORK_DIR = System.getProperty("relay.it.work-dir", "system-tests/target/it-stack");

    /** The system property naming the stack's secondary sites. */
    public static final String SITES_PROPERTY = "relay.it.sites";

    /** The stack's secondary sites, from {@value #SITES_PROPERTY}. */
    public static final SiteList SITES =
            SiteList.parse(System.getProperty(SITES_PROPERTY, SiteList.DEFAULT.toString()));

    private static volatile LocalStack stack;

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot()
                .getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(TwoSiteStack.class, key -> new Running(start()), Running.class);
    }

    private static LocalStack start() {
        StackConfig defaults = StackConfig.fromEnvironment();
        StackConfig config = defaults.withWorkDir(defaults.relayHome().resolve(Path.of(WORK_DIR)))
                .withPorts(defaults.ports().withOffset(PORT_OFFSET))
                .withApplications(true)
                .withSites(SITES);
        stack = LocalStack.startFresh(config);
        return stack;
    }

    public static LocalStack stack() {
        return stack;
    }

    /** An API token allowed to read and write at both sites (role service). */
    public static String token() {
        return stack.serviceToken();
    }

    public static Connection primary() throws SQLException {
        return DriverManager.getConnection(stack.primaryJdbcUrl(), stack.dbUser(), stack.dbPassword());
    }

    public static Connection replica() throws SQLException {
        return DriverManager.getConnection(stack.replicaJdbcUrl(), stack.dbUser(), stack.dbPassword());
    }

    /** Stops the stack when the test run's root context closes. */
    private record Running(LocalStack stack) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            stack.stop();
        }
    }
}
