package io.opsdb.relay.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A JSON client of one site's API for the flow tests. */
public final class SiteHttp {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI api;
    private final String token;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public SiteHttp(URI api, String token) {
        this.api = api;
        this.token = token;
    }

    /** A response with its body parsed (null when it is not JSON). */
    public record Answer(int status, String contentType, String body, JsonNode json, HttpHeaders headers) {
        /** A response header's first value, or null. */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public String text(String field) {
            JsonNode node = json == null ? null : json.get(field);
            return node == null || node.isNull() ? null : node.asText();
        }
    }

    public Answer get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(api.resolve(path)).GET());
    }

    public Answer post(String path, Object body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(api.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(json(body))));
    }

    public Answer put(String path, Object body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(api.resolve(path)).PUT(HttpRequest.BodyPublishers.ofString(json(body))));
    }

    /** {@code method} (POST, PUT) of a JSON body with extra request headers, e.g. an Idempotency-Key. */
    public Answer send(String method, String path, Object body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path))
                .method(method, HttpRequest.BodyPublishers.ofString(json(body)));
        headers.forEach(request::header);
        return send(request);
    }

    public Answer postRaw(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(api.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** As {@link #postRaw}, but streamed without a Content-Length (chunked), as a client that does not know it. */
    public Answer postChunked(String path, String body) throws IOException, InterruptedException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return send(HttpRequest.newBuilder(api.resolve(path))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))));
    }

    /** Waits until the transaction is VISIBLE or FAILED and returns its status. */
    public Answer whenSettled(String transactionId) throws IOException, InterruptedException {
        return get("/api/transactions/" + transactionId + "?wait=visible&timeout=90");
    }

    /** {@code body} as JSON text; a string is taken as JSON already. */
    public static String json(Object body) {
        try {
            return body instanceof String s ? s : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static Map<String, Object> map(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        request.timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        try {
            json = response.body().isBlank() ? null : JSON.readTree(response.body());
        } catch (IOException e) {
            // not JSON
        }
        return new Answer(
                response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(""),
                response.body(),
                json,
                response.headers());
    }
}
