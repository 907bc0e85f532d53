package io.opsdb.relay.systemtest.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.Prometheus;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every metric that {@code infra/observability}'s alert rules and Grafana dashboard name is exported by the running
 * applications ({@code /actuator/prometheus} of cologne-app or observatory-app), the Kafka clients' own among them
 * (consumer lag, producer, Streams): a rule on a name nobody exports never fires, and this test fails on it instead.
 */
@ExtendWith(TwoSiteStack.class)
class ObservabilityMetricsIT {

    private static final Path OBSERVABILITY = Path.of("..", "infra", "observability");
    private static final Duration SETTLE = Duration.ofSeconds(120);

    /** A name in PromQL: a metric, a function (followed by '('), a keyword or a label in a grouping clause. */
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private static final Set<String> KEYWORDS = Set.of(
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "bool",
            "and",
            "or",
            "unless",
            "offset",
            "inf",
            "nan");

    private final LocalStack stack = TwoSiteStack.stack();
    private final SiteHttp observatory = new SiteHttp(stack.observatoryApi(), TwoSiteStack.token());

    @Test
    void everyMetricOfTheRulesAndTheDashboardIsExported() throws Exception {
        Set<String> named = new TreeSet<>();
        for (JsonNode group : new YAMLMapper()
                .readTree(OBSERVABILITY.resolve("rules.yml").toFile())
                .get("groups")) {
            group.get("rules")
                    .forEach(rule -> named.addAll(metricNames(rule.get("expr").asText())));
        }
        JsonNode dashboard = new ObjectMapper()
                .readTree(OBSERVABILITY.resolve("grafana/dashboards/relay.json").toFile());
        dashboard
                .get("panels")
                .forEach(panel -> panel.get("targets")
                        .forEach(target ->
                                named.addAll(metricNames(target.get("expr").asText()))));
        assertThat(named)
                .as("the Kafka clients' metrics are among them")
                .contains(
                        "kafka_consumer_fetch_manager_records_lag_max",
                        "kafka_producer_record_send_total",
                        "kafka_stream_alive_stream_threads",
                        "relay_replication_slot_lag_bytes",
                        "relay_mirror_latency_seconds_bucket");

        // A write that goes the whole way, so the meters made as commands flow exist (MirrorMaker 2's latency).
        SiteHttp.Answer write = observatory.post(
                "/executed_obs_units/start", SiteHttp.map("obs_unit_id", "metrics-1", "instrument", "camera"));
        assertThat(write.status()).as(write.body()).isEqualTo(201);
        assertThat(observatory.whenSettled(write.text("transaction_id")).text("state"))
                .isEqualTo("VISIBLE");

        AtomicReference<Set<String>> missing = new AtomicReference<>(named);
        Conditions.waitFor(
                () -> {
                    missing.set(notExported(named));
                    return missing.get().isEmpty();
                },
                SETTLE,
                "metrics named in infra/observability are not exported by either site");
        assertThat(missing.get()).isEmpty();
    }

    @Test
    void metricNamesAreReadFromPromQl() {
        assertThat(metricNames("histogram_quantile(0.99, sum by (site, origin_site, le)"
                        + " (rate(relay_mirror_latency_seconds_bucket{origin_site=\"observatory\"}[5m]))) > 30"))
                .containsExactly("relay_mirror_latency_seconds_bucket");
        assertThat(metricNames("sum by (site) (rate(a_total[10m])) / (sum without (x) (rate(b_count[10m])) + c)"
                        + " > bool 0.05 and on (site) d offset 5m"))
                .containsExactlyInAnyOrder("a_total", "b_count", "c", "d");
    }

    /** The names of {@code named} that neither site's scrape has, as a series or (for a histogram's) its family. */
    private Set<String> notExported(Set<String> named) throws IOException, InterruptedException {
        Exposition exported = new Exposition();
        exported.read(Prometheus.scrape(stack.mainApi()));
        exported.read(Prometheus.scrape(stack.observatoryApi()));
        Set<String> missing = new TreeSet<>();
        for (String name : named) {
            if (!exported.has(name)) {
                missing.add(name);
            }
        }
        return missing;
    }

    /**
     * The metric names in a PromQL expression: its identifiers but for functions, keywords, label matchers, grouping
     * labels, ranges and strings.
     */
    static Set<String> metricNames(String expr) {
        String bare = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"") // strings
                .replaceAll("\\{[^}]*}", "") // label matchers
                .replaceAll("\\[[^]]*]", "") // ranges and subqueries
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\boffset\\s+\\w+", " ");
        Set<String> names = new HashSet<>();
        Matcher matcher = IDENTIFIER.matcher(bare);
        while (matcher.find()) {
            String name = matcher.group();
            boolean function = bare.substring(matcher.end()).stripLeading().startsWith("(");
            boolean number = matcher.start() > 0
                    && (Character.isDigit(bare.charAt(matcher.start() - 1)) || bare.charAt(matcher.start() - 1) == '.');
            if (!function && !number && !KEYWORDS.contains(name.toLowerCase())) {
                names.add(name);
            }
        }
        return names;
    }

    /** The series names and histogram or summary families of text expositions. */
    private static final class Exposition {

        private static final List<String> SUFFIXES = List.of("_bucket", "_count", "_sum");

        private final Set<String> series = new HashSet<>();
        private final Set<String> histograms = new HashSet<>();

        void read(String scrape) {
            for (String line : scrape.split("\n")) {
                if (line.startsWith("# TYPE ")) {
                    String[] parts = line.split(" ");
                    if (parts.length == 4 && (parts[3].equals("histogram") || parts[3].equals("summary"))) {
                        histograms.add(parts[2]);
                    }
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    Matcher name = IDENTIFIER.matcher(line);
                    if (name.lookingAt()) {
                        series.add(name.group());
                    }
                }
            }
        }

        /**
         * True when {@code name} is an exported series; one ending in {@code _bucket}, {@code _count} or {@code _sum}
         * must also be of a histogram or summary family that has it, not a metric of that name by chance.
         */
        boolean has(String name) {
            for (String suffix : SUFFIXES) {
                if (name.endsWith(suffix)) {
                    String family = name.substring(0, name.length() - suffix.length());
                    if (histograms.contains(family)) {
                        return series.contains(name);
                    }
                }
            }
            return series.contains(name);
        }
    }
}
