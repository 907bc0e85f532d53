package io.opsdb.relay.app.idempotency;

import io.opsdb.relay.schema.ClientRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A write that came with an {@link IdempotencyKey}: who sent it, where, under which key, and a digest of what it
 * asked for. Everything a retry must reproduce is derived from it by name ({@link UUID#nameUUIDFromBytes}), never
 * drawn at random: the transaction id from the site and the key's scope (principal, method, path, key), and each
 * record id the write creates from the transaction id and its place. So a retry, even one that reaches the site
 * after the first attempt's command was produced but never acknowledged, is the same transaction with the same
 * records, and the main site's ledger applies it once.
 *
 * @param requestHash SHA-256 (hex) of the canonical request; the same key with another hash is refused
 */
public record IdempotentRequest(String principal, String method, String path, IdempotencyKey key, String requestHash) {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final char SEPARATOR = 0;

    public IdempotentRequest {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(requestHash, "requestHash");
    }

    /** A request with its hash taken from {@code body} ({@link #requestHash(String, String, byte[])}). */
    public static IdempotentRequest of(String principal, String method, String path, IdempotencyKey key, byte[] body) {
        return new IdempotentRequest(principal, method, path, key, requestHash(method, path, body));
    }

    /** The transaction this request is at {@code site}: the same for every retry of it. */
    public String transactionId(String site) {
        return nameUuid("relay-idempotency", site, principal, method, path, key.asString());
    }

    /** The {@code index}-th record id (from 0) a write of transaction {@code transactionId} creates. */
    public static String recordId(String transactionId, int index) {
        return nameUuid("relay-record", transactionId, Integer.toString(index));
    }

    /**
     * SHA-256 (hex) of method, path and body. A JSON body counts by its content, not its spelling: object keys are
     * sorted and whitespace is dropped, so a client that serializes a map in another order is still retrying the
     * same request. A body that is not JSON counts byte by byte (the write refuses it anyway).
     */
    public static String requestHash(String method, String path, byte[] body) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        sha256.update((method + SEPARATOR + path + SEPARATOR).getBytes(StandardCharsets.UTF_8));
        sha256.update(canonical(body));
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** As carried by the command ({@code WriteCommand.clientRequest}). */
    public ClientRequest toClientRequest() {
        return ClientRequest.newBuilder()
                .setPrincipal(principal)
                .setMethod(method)
                .setPath(path)
                .setIdempotencyKey(key.asString())
                .setRequestHash(requestHash)
                .build();
    }

    private static byte[] canonical(byte[] body) {
        if (body.length == 0) {
            return body;
        }
        try {
            return JSON.writeValueAsBytes(sorted(JSON.readValue(body, Object.class)));
        } catch (JacksonException notJson) {
            return body;
        }
    }

    private static Object sorted(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((name, item) -> sorted.put((String) name, sorted(item)));
            return sorted;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(IdempotentRequest::sorted).toList();
        }
        return value;
    }

    private static String nameUuid(String... parts) {
        return UUID.nameUUIDFromBytes(
                        String.join(String.valueOf(SEPARATOR), parts).getBytes(StandardCharsets.UTF_8))
                .toString();
    }
}
