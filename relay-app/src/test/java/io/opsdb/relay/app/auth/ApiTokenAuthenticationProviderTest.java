package io.opsdb.relay.app.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.Authentication;

class ApiTokenAuthenticationProviderTest {

    private static final Duration TTL = Duration.ofSeconds(5);

    private final Map<String, AuthenticatedPrincipal> database = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private final AtomicLong clock = new AtomicLong();
    private boolean databaseDown;
    /** The provider's background rechecks, run by the test when it says so. */
    private final List<Runnable> rechecks = new ArrayList<>();

    private final ApiTokenAuthenticationProvider provider = new ApiTokenAuthenticationProvider(
            hash -> {
                queries.incrementAndGet();
                if (databaseDown) {
                    throw new DataAccessResourceFailureException("connection refused");
                }
                return Optional.ofNullable(database.get(hash));
            },
            TTL,
            3,
            clock::get,
            rechecks::add);

    @Test
    void aStoredTokenAuthenticatesItsUserAndRole() {
        String token = store("ana", Role.OBSERVER);

        ApiTokenAuthentication result = provider.authenticate(ApiTokenAuthentication.unauthenticated(token));

        assertThat(result.isAuthenticated()).isTrue();
        assertThat(result.getPrincipal()).isEqualTo(new AuthenticatedPrincipal("ana", Role.OBSERVER));
        assertThat(result.getName()).isEqualTo("ana");
        assertThat(result.getCredentials()).as("the token is not kept").isNull();
        assertThat(result.getAuthorities()).extracting(Object::toString).containsExactly("public", "read", "write");
    }

    @Test
    void itAuthenticatesApiTokensOnly() {
        assertThat(provider.supports(ApiTokenAuthentication.class)).isTrue();
        assertThat(provider.supports(Authentication.class)).isFalse();
    }

    @Test
    void aWellFormedTokenTheDatabaseDoesNotKnowIsUnknown() {
        assertUnknownOrRevoked(ApiTokens.generate());
    }

    @Test
    void aValidTokenIsAskedForOnceWithinTheTtl() {
        String token = store("svc", Role.SERVICE);
        for (int i = 0; i < 10; i++) {
            clock.addAndGet(TTL.toNanos() / 20);
            assertThat(authenticate(token).isAuthenticated()).isTrue();
        }
        assertThat(queries).hasValue(1);
    }

    @Test
    void aRevokedTokenStopsWorkingOnceTheTtlHasPassed() {
        String token = store("ana", Role.OBSERVER);
        assertThat(authenticate(token).isAuthenticated()).isTrue();

        database.remove(ApiTokens.hash(token));
        clock.addAndGet(TTL.toNanos() - 1);
        assertThat(authenticate(token).isAuthenticated()).as("still remembered").isTrue();
        clock.addAndGet(1);
        assertUnknownOrRevoked(token);
    }

    @Test
    void anUnknownTokenIsNotRememberedSoItWorksAsSoonAsTheDatabaseHasIt() {
        String token = ApiTokens.generate();
        assertUnknownOrRevoked(token);

        database.put(ApiTokens.hash(token), new AuthenticatedPrincipal("late", Role.VIEWER));

        assertThat(authenticate(token).isAuthenticated()).isTrue();
    }

    @Test
    void theCacheStaysWithinItsBound() {
        for (int i = 0; i < 10; i++) {
            String token = store("user" + i, Role.VIEWER);
            assertThat(authenticate(token).isAuthenticated()).isTrue();
            assertThat(provider.rememberedCount()).isLessThanOrEqualTo(3);
        }
    }

    @Test
    void aDatabaseThatDoesNotAnswerMakesTheTokenUncheckableNotInvalid() {
        String token = store("ana", Role.OBSERVER);
        databaseDown = true;

        assertUncheckable(token);

        databaseDown = false;
        assertThat(authenticate(token).isAuthenticated()).isTrue();
    }

    @Test
    void aTokenTheDatabaseConfirmedStaysValidWhileTheDatabaseCannotBeAsked() {
        String token = store("telescope", Role.SERVICE);
        assertThat(authenticate(token).isAuthenticated()).isTrue();
        clock.addAndGet(TTL.toNanos() * 100);
        databaseDown = true;

        ApiTokenAuthentication result = authenticate(token);

        assertThat(result.isAuthenticated())
                .as("a local replica outage must not stop critical writes")
                .isTrue();
        assertThat(result.getPrincipal().username()).isEqualTo("telescope");
        assertUncheckable(ApiTokens.generate());
    }

    @Test
    void whileTheDatabaseIsDownAConfirmedTokenIsAnsweredAtOnceAndRecheckedInTheBackground() {
        String token = store("telescope", Role.SERVICE);
        authenticate(token);
        clock.addAndGet(TTL.toNanos() * 2);
        databaseDown = true;
        assertThat(authenticate(token).isAuthenticated()).isTrue();
        int asked = queries.get();

        for (int i = 0; i < 3; i++) {
            assertThat(authenticate(token).isAuthenticated()).isTrue();
        }
        assertThat(queries.get())
                .as("no request waits on a database known to be down")
                .isEqualTo(asked);
        assertThat(rechecks).as("one recheck at a time").hasSize(1);

        // Back up, and the token was revoked meanwhile: the recheck finds out, and the next request is refused.
        databaseDown = false;
        database.clear();
        rechecks.remove(0).run();
        assertThat(queries.get()).isEqualTo(asked + 1);
        assertUnknownOrRevoked(token);
        assertThat(rechecks).isEmpty();
    }

    private ApiTokenAuthentication authenticate(String token) {
        return provider.authenticate(ApiTokenAuthentication.unauthenticated(token));
    }

    private void assertUnknownOrRevoked(String token) {
        assertThatThrownBy(() -> authenticate(token))
                .isInstanceOf(InvalidBearerTokenException.class)
                .hasMessageContaining("unknown or revoked")
                .satisfies(e -> assertThat(((InvalidBearerTokenException) e).errorCode())
                        .isEqualTo("invalid_token"));
    }

    private void assertUncheckable(String token) {
        assertThatThrownBy(() -> authenticate(token)).isInstanceOf(AuthenticationServiceException.class);
    }

    private String store(String username, Role role) {
        String token = ApiTokens.generate();
        database.put(ApiTokens.hash(token), new AuthenticatedPrincipal(username, role));
        return token;
    }
}
