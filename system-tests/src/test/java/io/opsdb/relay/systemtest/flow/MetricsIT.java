package io.opsdb.relay.systemtest.flow;

import static io.opsdb.relay.testsupport.Prometheus.scrape;
import static io.opsdb.relay.testsupport.Prometheus.sum;
import static io.opsdb.relay.testsupport.Prometheus.value;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsdb.relay.infra.demo.ObservatoryClient;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each site's Prometheus metrics at /actuator/prometheus and its /health, on the real two-site system. */
@ExtendWith(TwoSiteStack.class)
class MetricsIT {

    private static final int WRITES = 20;
    private static final String FROM_OBSERVATORY = "origin_site=\"observatory\"";

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ExecutorService CLIENT_THREADS = Executors.newFixedThreadPool(2);

    @AfterAll
    static void stopClientThreads() {
        CLIENT_THREADS.shutdownNow();
    }

    @Test
    void eachSiteDescribesItsTypeAndWhatItBuffers() throws Exception {
        String cologne = scrape(TwoSiteStack.stack().mainApi());
        String observatory = scrape(TwoSiteStack.stack().observatoryApi());

        assertThat(value(cologne, "site_type_info", "site_name=\"cologne\",site_type=\"main\""))
                .isEqualTo(1.0);
        assertThat(value(observatory, "site_type_info", "site_name=\"observatory\",site_type=\"secondary\""))
                .isEqualTo(1.0);
        assertThat(value(observatory, "buffering_enabled", "")).isEqualTo(1.0);
        assertThat(value(cologne, "buffering_enabled", "")).isZero();
        assertThat(value(observatory, "lsn_tracking_enabled", "")).isEqualTo(1.0);
        assertThat(value(cologne, "lsn_tracking_enabled", "")).isZero();
        for (String gauge : List.of(
                "relay_in_flight_transactions",
                "relay_oldest_in_flight_age_seconds",
                "relay_replica_lag_bytes",
                "relay_replica_lag_seconds")) {
            assertThat(value(observatory, gauge, "")).as(gauge).isNotNaN().isGreaterThanOrEqualTo(0.0);
        }
    }

    @Test
    void writesAtTheObservatoryAreCountedAndTimedAtBothSites() throws Exception {
        URI cologneApi = TwoSiteStack.stack().mainApi();
        URI observatoryApi = TwoSiteStack.stack().observatoryApi();
        String cologneBefore = scrape(cologneApi);
        String observatoryBefore = scrape(observatoryApi);

        ObservatoryClient client =
                new ObservatoryClient(observatoryApi, TwoSiteStack.stack().serviceToken(), CLIENT_THREADS);
        List<String> transactions = new ArrayList<>();
        for (int i = 0; i < WRITES; i++) {
            ObservatoryClient.Accepted accepted =
                    client.startObsUnit("metrics-" + i + "-" + System.nanoTime(), "camera");
            assertThat(accepted.ok()).as(accepted.body()).isTrue();
            transactions.add(accepted.transactionId());
        }
        for (String transaction : transactions) {
            ObservatoryClient.Status status =
                    client.whenVisible(transaction, Duration.ofSeconds(90)).get();
            assertThat(status.state()).as(status.body()).isEqualTo("VISIBLE");
        }

        // Counted where they happen: the applier at Cologne; the outcome follower and the replica poller here.
        waitForGrowth(cologneApi, cologneBefore, "relay_transactions_applied_total", FROM_OBSERVATORY);
        waitForGrowth(cologneApi, cologneBefore, "relay_apply_latency_seconds_count", FROM_OBSERVATORY);
        waitForGrowth(observatoryApi, observatoryBefore, "relay_transactions_applied_total", FROM_OBSERVATORY);
        waitForGrowth(observatoryApi, observatoryBefore, "relay_apply_latency_seconds_count", FROM_OBSERVATORY);
        String cologne = scrape(cologneApi);
        assertThat(sum(cologne, "relay_apply_latency_seconds_bucket", "le=\"+Inf\"")
                        - sum(cologneBefore, "relay_apply_latency_seconds_bucket", "le=\"+Inf\""))
                .as("histogram buckets")
                .isGreaterThanOrEqualTo(WRITES);
        assertThat(sum(cologne, "relay_transactions_failed_total", FROM_OBSERVATORY))
                .isEqualTo(sum(cologneBefore, "relay_transactions_failed_total", FROM_OBSERVATORY));
        // Each origin site's applier is its own, and so are its gauges.
        assertThat(value(cologne, "relay_applier_paused", FROM_OBSERVATORY)).isZero();
        assertThat(value(cologne, "relay_apply_lag_commands", FROM_OBSERVATORY)).isGreaterThanOrEqualTo(0);
        assertThat(value(cologne, "relay_commands_refused", FROM_OBSERVATORY)).isZero();
    }

    @Test
    void healthReportsEachComponentAndIsUp() throws Exception {
        JsonNode[] cologne = new JsonNode[1];
        JsonNode[] observatory = new JsonNode[1];
        Conditions.waitFor(
                () -> {
                    cologne[0] = health(TwoSiteStack.stack().mainApi());
                    observatory[0] = health(TwoSiteStack.stack().observatoryApi());
                    return "UP".equals(cologne[0].path("status").asText())
                            && "UP".equals(observatory[0].path("status").asText());
                },
                Duration.ofSeconds(60),
                "both sites UP");

        assertThat(cologne[0].path("site_type").asText()).isEqualTo("main");
        assertThat(componentNames(cologne[0])).contains("database", "kafka", "applier", "outcome_stream");
        assertThat(observatory[0].path("site_type").asText()).isEqualTo("secondary");
        assertThat(componentNames(observatory[0])).contains("database", "kafka", "replica", "outcome_follower");
        for (JsonNode site : List.of(cologne[0], observatory[0])) {
            site.path("components")
                    .fields()
                    .forEachRemaining(
                            component -> assertThat(component.getValue().asText())
                                    .as(component.getKey())
                                    .isEqualTo("UP"));
        }
        assertThat(observatory[0].path("replica_lag_seconds").isNumber())
                .as(observatory[0].toString())
                .isTrue();
    }

    private static void waitForGrowth(URI api, String before, String name, String labels) throws Exception {
        double start = sum(before, name, labels);
        Conditions.waitFor(
                () -> sum(scrape(api), name, labels) - start >= WRITES,
                Duration.ofSeconds(30),
                name + "{" + labels + "} at " + api + " did not grow by " + WRITES);
    }

    private static JsonNode health(URI api) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(api.resolve("/health"))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = new ObjectMapper().readTree(response.body());
        assertThat(response.statusCode())
                .as(response.body())
                .isEqualTo("DOWN".equals(body.path("status").asText()) ? 503 : 200);
        return body;
    }

    private static List<String> componentNames(JsonNode health) {
        List<String> names = new ArrayList<>();
        health.path("components").fieldNames().forEachRemaining(names::add);
        return names;
    }
}
