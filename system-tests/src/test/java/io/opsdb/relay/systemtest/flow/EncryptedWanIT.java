package io.opsdb.relay.systemtest.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.infra.demo.ObservatoryClient;
import io.opsdb.relay.infra.demo.ObservatoryWorkload;
import io.opsdb.relay.infra.process.WorkDirectory;
import io.opsdb.relay.infra.tls.WanCertificates;
import io.opsdb.relay.site.Database;
import io.opsdb.relay.site.SiteConfiguration;
import io.opsdb.relay.site.SslMode;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WAN is encrypted and authenticated on the real stack: MirrorMaker 2 reaches both clusters only through their
 * SASL_SSL listeners, which refuse plaintext, clients without SCRAM credentials or with wrong ones, and clients that
 * do not trust the stack's CA; a secondary's application and replica reach the primary with TLS, the certificate
 * verified against the CA, host name included. And the write path runs over it.
 */
@ExtendWith(TwoSiteStack.class)
class EncryptedWanIT {

    private static final int WRITES = 20;
    private static final int CLIENT_TIMEOUT_MS = 5_000;

    private final LocalStack stack = TwoSiteStack.stack();
    private final String site = stack.sites().first().name();
    private final WanCertificates certificates = stack.wanCertificates();

    @Test
    void aWriteAtTheSecondaryBecomesVisibleWithEveryWanConnectionEncrypted() throws Exception {
        ObservatoryWorkload.Result result = new ObservatoryWorkload(stack.observatoryApi(), stack.serviceToken())
                .run("tls-" + UUID.randomUUID(), WRITES, 2, Duration.ofSeconds(120), (write, status) -> {});

        assertThat(result.refusals()).as("refused writes").isEmpty();
        assertThat(result.waitFailures()).as("failed waits for visibility").isEmpty();
        assertThat(result.settled())
                .hasSize(WRITES)
                .extracting(ObservatoryClient.Status::state)
                .containsOnly("VISIBLE");
        // The replica streamed those rows from the primary over TLS.
        try (Connection primary = TwoSiteStack.primary();
                Statement statement = primary.createStatement();
                ResultSet senders = statement.executeQuery(
                        "SELECT count(*), count(*) FILTER (WHERE s.ssl) FROM pg_replication_slots slot"
                                + " JOIN pg_stat_ssl s ON s.pid = slot.active_pid WHERE slot.slot_type = 'physical'")) {
            senders.next();
            assertThat(senders.getInt(1)).as("replicas streaming").isGreaterThanOrEqualTo(1);
            assertThat(senders.getInt(2)).as("replicas streaming over TLS").isEqualTo(senders.getInt(1));
        }
        try (Connection replica = TwoSiteStack.replica();
                Statement statement = replica.createStatement();
                ResultSet receiver = statement.executeQuery("SELECT conninfo FROM pg_stat_wal_receiver")) {
            assertThat(receiver.next()).as("the replica's WAL receiver").isTrue();
            assertThat(receiver.getString(1)).contains("sslmode=verify-full").contains("sslrootcert=");
        }
    }

    @Test
    void mirrorMakerReachesBothClustersThroughTheirWanListenersWithoutAPasswordInItsFile() throws Exception {
        Path file = stack.mirrorMakerPropertiesFile(site);
        Properties mm2 = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            mm2.load(reader);
        }

        assertThat(mm2.getProperty("cologne.bootstrap.servers")).isEqualTo(stack.mainWanBootstrapServers());
        assertThat(mm2.getProperty(site + ".bootstrap.servers")).isEqualTo(stack.wanBootstrapServers(site));
        for (String cluster : new String[] {"cologne", site}) {
            assertThat(mm2.getProperty(cluster + ".security.protocol")).isEqualTo("SASL_SSL");
            assertThat(mm2.getProperty(cluster + ".sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
            assertThat(mm2.getProperty(cluster + ".ssl.truststore.location"))
                    .isEqualTo(certificates.truststore().toString());
        }
        assertThat(Files.readString(file))
                .doesNotContain(certificates.mirrorPassword())
                .doesNotContain(certificates.storePassword());
    }

    @Test
    void theWanListenerServesAScramClientThatTrustsTheStacksCa() throws Exception {
        for (String servers : new String[] {stack.mainWanBootstrapServers(), stack.wanBootstrapServers(site)}) {
            try (Admin admin = Admin.create(wanClient(servers, certificates.mirrorPassword(), true))) {
                Collection<Node> nodes =
                        admin.describeCluster().nodes().get(CLIENT_TIMEOUT_MS * 2L, TimeUnit.MILLISECONDS);
                assertThat(nodes)
                        .as("the broker advertises its WAN listener to WAN clients")
                        .extracting(node -> node.host() + ":" + node.port())
                        .containsExactly(servers);
            }
        }
    }

    @Test
    void theWanListenerRefusesAWrongScramPassword() {
        assertThat(failureOf(wanClient(stack.mainWanBootstrapServers(), "not-the-password", true)))
                .isInstanceOf(SaslAuthenticationException.class);
    }

    @Test
    void theWanListenerRefusesAClientThatDoesNotTrustTheStacksCa() {
        // Without a truststore of its own the client trusts the JDK's public CAs only.
        assertThat(failureOf(wanClient(stack.wanBootstrapServers(site), certificates.mirrorPassword(), false)))
                .isInstanceOf(SslAuthenticationException.class);
    }

    @Test
    void theWanListenerAnswersNeitherPlaintextNorTlsWithoutScram() {
        Map<String, Object> plaintext = baseClient(stack.mainWanBootstrapServers());
        assertThat(failureOf(plaintext))
                .as("plaintext to the WAN port")
                .isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);

        Map<String, Object> tlsOnly = baseClient(stack.mainWanBootstrapServers());
        tlsOnly.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        trustTheStack(tlsOnly);
        assertThat(failureOf(tlsOnly))
                .as("TLS without SASL to the WAN port")
                .isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    }

    @Test
    void theSecondaryConnectsToThePrimaryWithVerifyFullAgainstTheStacksCa() throws Exception {
        Map<String, String> environment = stack.applicationEnvironment(site);
        Database primary = SiteConfiguration.load(environment::get).mainDb();

        assertThat(primary.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(primary.sslRootCert()).isEqualTo(certificates.caCertificate().toString());
        assertThat(primary.jdbcUrl()).contains("sslmode=verify-full").contains("sslrootcert=");
        try (Connection connection =
                        DriverManager.getConnection(primary.jdbcUrl(), primary.user(), primary.password());
                Statement statement = connection.createStatement();
                ResultSet ssl = statement.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            ssl.next();
            assertThat(ssl.getBoolean(1))
                    .as("the application's connection is encrypted")
                    .isTrue();
        }
    }

    @Test
    void aConnectionToThePrimaryThatTrustsAnotherCaIsRefused(@TempDir Path otherStack) throws Exception {
        WanCertificates other = new WanCertificates(new WorkDirectory(otherStack));
        other.ensureCa();
        Map<String, String> environment = new HashMap<>(stack.applicationEnvironment(site));
        environment.put("MAIN_DB_SSLROOTCERT", other.caCertificate().toString());
        Database primary = SiteConfiguration.load(environment::get).mainDb();

        assertThatThrownBy(() -> DriverManager.getConnection(primary.jdbcUrl(), primary.user(), primary.password())
                        .close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("SSL");
    }

    private Throwable failureOf(Map<String, Object> client) {
        try (Admin admin = Admin.create(client)) {
            admin.describeCluster().nodes().get(CLIENT_TIMEOUT_MS * 3L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError(
                "the WAN listener answered " + client.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG));
    }

    private Map<String, Object> wanClient(String servers, String password, boolean trustTheStack) {
        Map<String, Object> client = baseClient(servers);
        client.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        client.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        client.put(
                SaslConfigs.SASL_JAAS_CONFIG,
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + certificates.mirrorUser() + "\" password=\"" + password + "\";");
        if (trustTheStack) {
            trustTheStack(client);
        }
        return client;
    }

    private void trustTheStack(Map<String, Object> client) {
        client.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        client.put(
                SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
                certificates.truststore().toString());
        client.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, certificates.storePassword());
    }

    private static Map<String, Object> baseClient(String servers) {
        Map<String, Object> client = new HashMap<>();
        client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        client.put(AdminClientConfig.CLIENT_ID_CONFIG, "encrypted-wan-it");
        client.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, CLIENT_TIMEOUT_MS);
        client.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, CLIENT_TIMEOUT_MS);
        // One attempt: a refused client fails within the timeout instead of retrying until it.
        client.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 1_000);
        return client;
    }
}
