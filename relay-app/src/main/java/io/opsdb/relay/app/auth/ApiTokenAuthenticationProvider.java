package io.opsdb.relay.app.auth;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.Authentication;

/**
 * Authenticates an {@link ApiTokenAuthentication} against the tokens in this site's own database
 * ({@link ApiTokenStore#findActive}): a valid, unrevoked token becomes its holder's {@link AuthenticatedPrincipal};
 * an unknown or revoked one is refused ({@link InvalidBearerTokenException#unknownOrRevoked()}).
 * A token found valid is remembered for {@link #DEFAULT_TTL} so that a burst of requests costs one query; a
 * revoked token therefore stops working at most that long after its revocation reached this site's database.
 * Unknown tokens are not remembered: a token just issued at the main site works here the moment the replica
 * has it, and guessing cannot fill the cache. While the database cannot be asked, tokens it confirmed before
 * are still accepted; others are refused with an {@link AuthenticationServiceException} (answered 503).
 */
final class ApiTokenAuthenticationProvider implements AuthenticationProvider {

    /** How long a valid token is remembered. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(5);
    /** At most this many tokens are remembered; beyond that the cache starts over. */
    public static final int DEFAULT_MAX_ENTRIES = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(ApiTokenAuthenticationProvider.class);

    private record Remembered(AuthenticatedPrincipal principal, long expiresAtNanos) {}

    private final Function<String, Optional<AuthenticatedPrincipal>> activeTokensByHash;
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoTime;
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();
    private final AtomicBoolean databaseFailing = new AtomicBoolean();
    private final Executor rechecks;
    private final AtomicBoolean rechecking = new AtomicBoolean();

    /**
     * @param activeTokensByHash who holds the unrevoked token with a given hash ({@link ApiTokenStore#findActive})
     */
    public ApiTokenAuthenticationProvider(Function<String, Optional<AuthenticatedPrincipal>> activeTokensByHash) {
        this(
                activeTokensByHash,
                DEFAULT_TTL,
                DEFAULT_MAX_ENTRIES,
                System::nanoTime,
                Executors.newSingleThreadExecutor(task -> {
                    Thread thread = new Thread(task, "api-token-recheck");
                    thread.setDaemon(true);
                    return thread;
                }));
    }

    ApiTokenAuthenticationProvider(
            Function<String, Optional<AuthenticatedPrincipal>> activeTokensByHash,
            Duration ttl,
            int maxEntries,
            LongSupplier nanoTime,
            Executor rechecks) {
        this.activeTokensByHash = activeTokensByHash;
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        this.nanoTime = nanoTime;
        this.rechecks = rechecks;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return ApiTokenAuthentication.class.isAssignableFrom(authentication);
    }

    /** @param authentication an {@link ApiTokenAuthentication} holding a token of our form */
    @Override
    public ApiTokenAuthentication authenticate(Authentication authentication) {
        String hash = ApiTokens.hash(((ApiTokenAuthentication) authentication).getCredentials());
        long now = nanoTime.getAsLong();
        Remembered known = remembered.get(hash);
        if (known != null && now - known.expiresAtNanos() < 0) {
            return ApiTokenAuthentication.authenticated(known.principal());
        }
        if (known != null && databaseFailing.get()) {
            // The database did not answer last time: a token it confirmed is answered at once, and the database is
            // asked again in the background, one question at a time. A request never waits out the connection
            // timeout of a database that is known to be down.
            recheckInBackground(hash);
            return ApiTokenAuthentication.authenticated(known.principal());
        }
        Optional<AuthenticatedPrincipal> principal;
        try {
            principal = activeTokensByHash.apply(hash);
        } catch (DataAccessException e) {
            if (databaseFailing.compareAndSet(false, true)) {
                LOG.warn(
                        "Cannot check API tokens in this site's database ({}); tokens it confirmed before stay valid,"
                                + " others get 503 until it answers",
                        e.getMostSpecificCause().getMessage());
            }
            // Revocations reach this site only through its database: while that cannot be asked, a token it
            // confirmed is as valid as the site can know. Refusing it would stop the telescope's critical
            // writes for a local replica outage, which the buffer exists to ride out.
            if (known != null) {
                return ApiTokenAuthentication.authenticated(known.principal());
            }
            throw new AuthenticationServiceException("API tokens cannot be checked in this site's database", e);
        }
        answered(hash, principal, now);
        return ApiTokenAuthentication.authenticated(
                principal.orElseThrow(InvalidBearerTokenException::unknownOrRevoked));
    }

    /** The database answered for {@code hash}: remember a valid token, forget a revoked or unknown one. */
    private void answered(String hash, Optional<AuthenticatedPrincipal> principal, long now) {
        if (databaseFailing.compareAndSet(true, false)) {
            LOG.info("API tokens can be checked again");
        }
        if (principal.isEmpty()) {
            remembered.remove(hash);
        } else {
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
                } catch (DataAccessException e) {
                    // Still down: asked again by a later request.
                } finally {
                    rechecking.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
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
