package io.opsdb.relay.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A site's {@code /actuator/prometheus}, read as the text exposition format. */
public final class Prometheus {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Prometheus() {}

    /** The text exposition of the site whose API is at {@code api}; fails unless it answers 200 with text. */
    public static String scrape(URI api) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(api.resolve("/actuator/prometheus"))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .get()
                .asString()
                .startsWith("text/plain");
        return response.body();
    }

    /** The one sample of {@code name} whose labels contain {@code labels}; fails when there is none or several. */
    public static double value(String scrape, String name, String labels) {
        List<Double> values = samples(scrape, name, labels);
        assertThat(values).as("%s{%s} in%n%s", name, labels, scrape).hasSize(1);
        return values.get(0);
    }

    /** The sum of the samples of {@code name} whose labels contain {@code labels}; 0 when there is none. */
    public static double sum(String scrape, String name, String labels) {
        return samples(scrape, name, labels).stream()
                .mapToDouble(Double::doubleValue)
                .sum();
    }

    /** Samples of the text exposition format: {@code name{label="value",...} value}, comments skipped. */
    private static List<Double> samples(String scrape, String name, String labels) {
        List<Double> values = new ArrayList<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String series = line.substring(0, space);
            int brace = series.indexOf('{');
            String seriesName = brace < 0 ? series : series.substring(0, brace);
            String seriesLabels = brace < 0 ? "" : series.substring(brace);
            if (seriesName.equals(name) && seriesLabels.contains(labels)) {
                values.add(Double.parseDouble(line.substring(space + 1)));
            }
        }
        return values;
    }
}
