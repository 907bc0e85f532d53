package io.opsdb.relay.app.auth;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;

/**
 * Checks the {@code Authorization: Bearer} header of a request against the tokens in this site's own database.
 * A token found valid is remembered for {@link #DEFAULT_TTL} so that a burst of requests costs one query; a
 * revoked token therefore stops working at most that long after its revocation reached this site's database.
 * Unknown tokens are not remembered: a token just issued at the main site works here the moment the replica
 * has it, and guessing cannot fill the cache. While the database cannot be asked, tokens it confirmed before
 * are still accepted; others are answered 503.
 */
public class BearerTokenAuthenticator {

    /** How long a valid token is remembered. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(5);
    /** At most this many tokens are remembered; beyond that the cache starts over. */
    public static final int DEFAULT_MAX_ENTRIES = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(BearerTokenAuthenticator.class);
    private static final String SCHEME = "bearer ";

    /** How a request's credentials turned out. */
    public enum Outcome {
        /** A valid, unrevoked token. */
        AUTHENTICATED,
        /** No Authorization header. */
        MISSING,
        /** An Authorization header that is not {@code Bearer <token>} with a token of our form. */
        MALFORMED,
        /** A token of our form that this site's database does not know, or knows as revoked. */
        UNKNOWN,
        /** This site's database could not be asked. */
        UNAVAILABLE
    }

    /** The outcome, with the principal when {@link Outcome#AUTHENTICATED}. */
    public record Result(Outcome outcome, AuthenticatedPrincipal principal) {

        static Result of(Outcome outcome) {
            return new Result(outcome, null);
        }
    }

    private record Remembered(AuthenticatedPrincipal principal, long expiresAtNanos) {
    }

    private final Function<String, Optional<AuthenticatedPrincipal>> activeTokensByHash;
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoTime;
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();
    private final AtomicBoolean databaseFailing = new AtomicBoolean();
    private final java.util.concurrent.Executor rechecks;
    private final AtomicBoolean rechecking = new AtomicBoolean();

    /**
     * @param activeTokensByHash who holds the unrevoked token with a given hash ({@link ApiTokenStore#findActive})
     */
    public BearerTokenAuthenticator(Function<String, Optional<AuthenticatedPrincipal>> activeTokensByHash) {
        this(activeTokensByHash, DEFAULT_TTL, DEFAULT_MAX_ENTRIES, System::nanoTime,
                java.util.concurrent.Executors.newSingleThreadExecutor(task -> {
                    Thread thread = new Thread(task, "api-token-recheck");
                    thread.setDaemon(true);
                    return thread;
                }));
    }

    BearerTokenAuthenticator(Function<String, Optional<AuthenticatedPrincipal>> activeTokensByHash, Duration ttl,
            int maxEntries, LongSupplier nanoTime, java.util.concurrent.Executor rechecks) {
        this.activeTokensByHash = activeTokensByHash;
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        this.nanoTime = nanoTime;
        this.rechecks = rechecks;
    }

    /** @param authorization the request's {@code Authorization} header, null if it had none */
    public Result authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Result.of(Outcome.MISSING);
        }
        // The scheme is case-insensitive (RFC 9110, 11.1).
        if (authorization.length() <= SCHEME.length()
                || !authorization.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
            return Result.of(Outcome.MALFORMED);
        }
        String token = authorization.substring(SCHEME.length()).trim();
        if (!ApiTokens.isWellFormed(token)) {
            return Result.of(Outcome.MALFORMED);
        }
        String hash = ApiTokens.hash(token);
        long now = nanoTime.getAsLong();
        Remembered known = remembered.get(hash);
        if (known != null && now - known.expiresAtNanos() < 0) {
            return new Result(Outcome.AUTHENTICATED, known.principal());
        }
        if (known != null && databaseFailing.get()) {
            // The database did not answer last time: a token it confirmed is answered at once, and the database is
            // asked again in the background, one question at a time. A request never waits out the connection
            // timeout of a database that is known to be down.
            recheckInBackground(hash);
            return new Result(Outcome.AUTHENTICATED, known.principal());
        }
        Optional<AuthenticatedPrincipal> principal;
        try {
            principal = activeTokensByHash.apply(hash);
        }
        catch (DataAccessException e) {
            if (databaseFailing.compareAndSet(false, true)) {
                LOG.warn("Cannot check API tokens in this site's database ({}); tokens it confirmed before stay valid,"
                        + " others get 503 until it answers", e.getMostSpecificCause().getMessage());
            }
            // Revocations reach this site only through its database: while that cannot be asked, a token it
            // confirmed is as valid as the site can know. Refusing it would stop the telescope's critical
            // writes for a local replica outage, which the buffer exists to ride out.
            return known != null ? new Result(Outcome.AUTHENTICATED, known.principal()) : Result.of(Outcome.UNAVAILABLE);
        }
        answered(hash, principal, now);
        return principal.map(p -> new Result(Outcome.AUTHENTICATED, p)).orElseGet(() -> Result.of(Outcome.UNKNOWN));
    }

    /** The database answered for {@code hash}: remember a valid token, forget a revoked or unknown one. */
    private void answered(String hash, Optional<AuthenticatedPrincipal> principal, long now) {
        if (databaseFailing.compareAndSet(true, false)) {
            LOG.info("API tokens can be checked again");
        }
        if (principal.isEmpty()) {
            remembered.remove(hash);
        }
        else {
            remember(hash, new Remembered(principal.get(), now + ttlNanos), now);
        }
    }

    private void recheckInBackground(String hash) {
        if (!rechecking.compareAndSet(false, true)) {
            return;
        }
        try {
            rechecks.execute(() -> {
                try {
                    answered(hash, activeTokensByHash.apply(hash), nanoTime.getAsLong());
                }
                catch (DataAccessException e) {
                    // Still down: asked again by a later request.
                }
                finally {
                    rechecking.set(false);
                }
            });
        }
        catch (java.util.concurrent.RejectedExecutionException e) {
            rechecking.set(false);
        }
    }

    private void remember(String hash, Remembered entry, long now) {
        if (remembered.size() >= maxEntries) {
            remembered.values().removeIf(old -> now - old.expiresAtNanos() >= 0);
            if (remembered.size() >= maxEntries) {
                // More live tokens than the bound within one TTL: start over rather than grow.
                remembered.clear();
            }
        }
        remembered.put(hash, entry);
    }

    int rememberedCount() {
        return remembered.size();
    }
}
