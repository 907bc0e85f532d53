package io.opsdb.relay.systemtest.flow;

import static io.opsdb.relay.testsupport.SiteHttp.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.RelayAppProcess;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Routing as the seed system did it: buffered critical writes, direct non-critical ones, and the switch off. */
@ExtendWith(TwoSiteStack.class)
class RoutingIT {

    private final SiteHttp observatory = new SiteHttp(TwoSiteStack.stack().observatoryApi(), TwoSiteStack.token());

    @Test
    void withThePrimaryDownCriticalWritesAreStillAcceptedAndNonCriticalOnesAreRefused() throws Exception {
        LocalStack stack = TwoSiteStack.stack();
        SiteHttp.Answer buffered;
        stack.stop(LocalStack.PRIMARY);
        try {
            SiteHttp.Answer refused = observatory.post("/sources", map("name", "while the primary is down"));
            assertThat(refused.status()).as(refused.body()).isEqualTo(503);
            assertThat(refused.contentType()).contains("application/problem+json");
            assertThat(refused.body())
                    .contains("main database is not reachable")
                    .contains("Nothing was written");

            buffered = observatory.post("/executed_obs_units/start", map("obs_unit_id", "uid://routing/primary-down"));
            assertThat(buffered.status()).as(buffered.body()).isEqualTo(201);
            assertThat(buffered.text("state")).isEqualTo("BUFFERED");
            assertThat(observatory
                            .get("/executed_obs_units/" + buffered.text("id"))
                            .text("status"))
                    .isEqualTo("running");
        } finally {
            stack.component(LocalStack.PRIMARY).start();
        }
        assertThat(observatory.whenSettled(buffered.text("transaction_id")).text("state"))
                .isEqualTo("VISIBLE");
    }

    @Test
    void withoutTheBufferASecondaryWritesCriticalOperationsStraightToThePrimary() throws Exception {
        LocalStack stack = TwoSiteStack.stack();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SITE_NAME", "observatory-direct");
        env.put("SITE_TYPE", "secondary");
        env.put("CRITICAL_OPERATIONS_BUFFER", "false");
        env.put("KAFKA_BOOTSTRAP_SERVERS", stack.observatoryBootstrapServers());
        database(env, "MAIN_DB_", stack.primaryJdbcUrl());
        database(env, "LOCAL_DB_", stack.replicaJdbcUrl());
        Path log = stack.logDir().resolve("observatory-direct.log");
        try (Admin admin = admin(stack);
                RelayAppProcess app = RelayAppProcess.start(env, log)) {
            SiteHttp direct = new SiteHttp(URI.create("http://127.0.0.1:" + app.port()), TwoSiteStack.token());
            Conditions.waitFor(
                    () -> direct.get("/health").status() == 200,
                    Duration.ofSeconds(120),
                    "the unbuffered secondary did not become healthy");
            long buffered = endOffset(admin);

            SiteHttp.Answer started =
                    direct.post("/executed_obs_units/start", map("obs_unit_id", "uid://routing/direct"));

            assertThat(started.status()).as(started.body()).isEqualTo(201);
            assertThat(started.text("state"))
                    .as("answered once its own replica shows it")
                    .isEqualTo("VISIBLE");
            assertThat(direct.get("/executed_obs_units/" + started.text("id")).text("site"))
                    .isEqualTo("observatory-direct");
            assertThat(endOffset(admin))
                    .as("nothing went through the Kafka buffer")
                    .isEqualTo(buffered);
            assertThat(direct.get("/api/site/info")
                            .json()
                            .get("critical_operations_buffer")
                            .asBoolean())
                    .isFalse();
        }
    }

    private static void database(Map<String, String> env, String prefix, String jdbcUrl) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        env.put(prefix + "HOST", uri.getHost());
        env.put(prefix + "PORT", Integer.toString(uri.getPort()));
        env.put(prefix + "NAME", uri.getPath().substring(1));
        env.put(prefix + "USER", TwoSiteStack.stack().dbUser());
        env.put(prefix + "PASSWORD", TwoSiteStack.stack().dbPassword());
    }

    private static Admin admin(LocalStack stack) {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.observatoryBootstrapServers());
        return Admin.create(config);
    }

    private static long endOffset(Admin admin) throws Exception {
        TopicPartition partition = new TopicPartition(RelayTopics.COMMANDS, 0);
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest()))
                .partitionResult(partition)
                .get()
                .offset();
    }
}
