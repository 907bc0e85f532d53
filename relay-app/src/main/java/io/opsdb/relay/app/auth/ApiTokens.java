package io.opsdb.relay.app.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The form of an API token and how it is stored. A token is {@value #PREFIX} followed by {@value #RANDOM_BYTES}
 * bytes from {@link SecureRandom} in URL-safe base64 without padding; the database keeps only the SHA-256 of
 * the whole token, in lower-case hex, so a copy of the database grants nothing. The prefix makes a leaked token
 * easy to recognise by secret scanners.
 */
public final class ApiTokens {

    /** Every token starts with this. */
    public static final String PREFIX = "ops_api_token_";

    /** Random bytes in a token: 256 bits, beyond guessing, so a fast unsalted hash is enough to store it. */
    public static final int RANDOM_BYTES = 32;

    private static final Pattern FORMAT = Pattern.compile(Pattern.quote(PREFIX) + "[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiTokens() {}

    /** A new token; show it once, store only its {@link #hash(String)}. */
    public static String generate() {
        byte[] random = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(random);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** The value stored in {@code api_token.token_hash}: SHA-256 of the whole token, lower-case hex. */
    public static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Whether {@code text} has the form of a token this application issues; says nothing of its validity. */
    public static boolean isWellFormed(String text) {
        return text != null && FORMAT.matcher(text).matches();
    }
}
