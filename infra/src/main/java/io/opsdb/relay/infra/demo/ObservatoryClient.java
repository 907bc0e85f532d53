package io.opsdb.relay.infra.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal HTTP client of a site's API, as an operator's script would use it, authenticated by an API token
 * ({@code Authorization: Bearer}). Responses are read with a few patterns rather than a JSON library: the
 * launcher stays free of the applications' dependencies.
 */
public final class ObservatoryClient {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final URI api;
    private final String authorization;
    private final HttpClient http;

    /**
     * @param api   the site's API, e.g. {@code http://127.0.0.1:8001}
     * @param token an API token whose role may read and write (service or observer), e.g.
     *              {@code LocalStack.serviceToken()}
     */
    public ObservatoryClient(URI api, String token, Executor executor) {
        this.api = api;
        this.authorization = "Bearer " + Objects.requireNonNull(token, "token");
        this.http = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** What a write was answered. */
    public record Accepted(int status, String transactionId, String recordId, String body) {
        public boolean ok() {
            return status == 201 && transactionId != null;
        }
    }

    /** A transaction's status as {@code GET /api/transactions/{id}} reports it. */
    public record Status(
            int httpStatus,
            String state,
            String commitLsn,
            Instant acknowledgedAt,
            Instant visibleAt,
            String error,
            String body) {}

    public Accepted startObsUnit(String obsUnitId, String instrument) throws IOException, InterruptedException {
        return accepted(send(startRequest(obsUnitId, instrument)));
    }

    /** As {@link #startObsUnit}, without waiting: for a load generator that must not hold up its next write. */
    public CompletableFuture<Accepted> startObsUnitAsync(String obsUnitId, String instrument) {
        return http.sendAsync(authorized(startRequest(obsUnitId, instrument)), HttpResponse.BodyHandlers.ofString())
                .thenApply(ObservatoryClient::accepted);
    }

    private HttpRequest.Builder startRequest(String obsUnitId, String instrument) {
        String json = "{\"obs_unit_id\":\"" + obsUnitId + "\",\"instrument\":\"" + instrument + "\"}";
        return HttpRequest.newBuilder(api.resolve("/executed_obs_units/start"))
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    public Accepted finishObsUnit(String id, String status) throws IOException, InterruptedException {
        String json = "{\"status\":\"" + status + "\"}";
        return accepted(send(HttpRequest.newBuilder(api.resolve("/executed_obs_units/" + id + "/finish"))
                .PUT(HttpRequest.BodyPublishers.ofString(json))));
    }

    /** Finishes a unit with {@code notes} (plain text without quotes or backslashes). */
    public Accepted finishObsUnit(String id, String status, String notes) throws IOException, InterruptedException {
        String json = "{\"status\":\"" + status + "\",\"notes\":\"" + notes + "\"}";
        return accepted(send(HttpRequest.newBuilder(api.resolve("/executed_obs_units/" + id + "/finish"))
                .PUT(HttpRequest.BodyPublishers.ofString(json))));
    }

    /** Sets a unit's notes (plain text without quotes or backslashes): one update through {@code POST /api/transactions}. */
    public Accepted noteObsUnit(String id, String notes) throws IOException, InterruptedException {
        String json = "{\"operations\":[{\"op\":\"update\",\"entity\":\"executed_obs_unit\",\"id\":\"" + id
                + "\",\"values\":{\"notes\":\"" + notes + "\"}}]}";
        return accepted(send(HttpRequest.newBuilder(api.resolve("/api/transactions"))
                .POST(HttpRequest.BodyPublishers.ofString(json))));
    }

    public HttpResponse<String> getObsUnit(String id) throws IOException, InterruptedException {
        return send(
                HttpRequest.newBuilder(api.resolve("/executed_obs_units/" + id)).GET());
    }

    public Status status(String transactionId) throws IOException, InterruptedException {
        return status(send(HttpRequest.newBuilder(api.resolve("/api/transactions/" + transactionId))
                .GET()));
    }

    /** Long-polls until the transaction is VISIBLE or FAILED, or {@code timeout} passes. */
    public CompletableFuture<Status> whenVisible(String transactionId, Duration timeout) {
        URI uri = api.resolve("/api/transactions/" + transactionId + "?wait=visible&timeout=" + timeout.toSeconds());
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout.plus(REQUEST_TIMEOUT))
                .header("Authorization", authorization)
                .GET()
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(ObservatoryClient::status);
    }

    /** A GET of any path of the API, e.g. {@code /api/buffer}. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(api.resolve(path)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(authorized(request), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest authorized(HttpRequest.Builder request) {
        return request.timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Authorization", authorization)
                .build();
    }

    private static Accepted accepted(HttpResponse<String> response) {
        return new Accepted(
                response.statusCode(),
                field(response.body(), "transaction_id"),
                field(response.body(), "id"),
                response.body());
    }

    private static Status status(HttpResponse<String> response) {
        String body = response.body();
        return new Status(
                response.statusCode(),
                field(body, "state"),
                field(body, "commit_lsn"),
                instant(field(body, "acknowledged_at")),
                instant(field(body, "visible_at")),
                field(body, "error"),
                body);
    }

    private static Instant instant(String text) {
        return text == null || text.equals("null") ? null : Instant.parse(text);
    }

    /** The numeric value of a top-level field of a flat JSON object, or NaN. */
    public static double number(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*(-?[0-9][0-9.eE+-]*)")
                .matcher(json == null ? "" : json);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** The string value of a top-level field of a flat JSON object, or null. */
    static String field(String json, String name) {
        if (json == null) {
            return null;
        }
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")
                .matcher(json);
        return m.find() ? m.group(1) : null;
    }
}
