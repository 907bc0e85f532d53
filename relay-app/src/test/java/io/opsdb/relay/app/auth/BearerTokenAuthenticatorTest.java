package io.opsdb.relay.app.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

import io.opsdb.relay.app.auth.BearerTokenAuthenticator.Outcome;

class BearerTokenAuthenticatorTest {

    private static final Duration TTL = Duration.ofSeconds(5);

    private final Map<String, AuthenticatedPrincipal> database = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private final AtomicLong clock = new AtomicLong();
    private boolean databaseDown;
    /** The authenticator's background rechecks, run by the test when it says so. */
    private final java.util.List<Runnable> rechecks = new java.util.ArrayList<>();

    private final BearerTokenAuthenticator authenticator = new BearerTokenAuthenticator(hash -> {
        queries.incrementAndGet();
        if (databaseDown) {
            throw new DataAccessResourceFailureException("connection refused");
        }
        return Optional.ofNullable(database.get(hash));
    }, TTL, 3, clock::get, rechecks::add);

    @Test
    void aStoredTokenAuthenticatesItsUserAndRole() {
        String token = store("ana", Role.OBSERVER);

        BearerTokenAuthenticator.Result result = authenticator.authenticate("Bearer " + token);

        assertThat(result.outcome()).isEqualTo(Outcome.AUTHENTICATED);
        assertThat(result.principal()).isEqualTo(new AuthenticatedPrincipal("ana", Role.OBSERVER));
    }

    @Test
    void theSchemeIsCaseInsensitive() {
        String token = store("ana", Role.VIEWER);
        assertThat(authenticator.authenticate("bearer " + token).outcome()).isEqualTo(Outcome.AUTHENTICATED);
        assertThat(authenticator.authenticate("BEARER " + token).outcome()).isEqualTo(Outcome.AUTHENTICATED);
    }

    @Test
    void missingAndMalformedCredentialsAreRefusedWithoutAskingTheDatabase() {
        assertThat(authenticator.authenticate(null).outcome()).isEqualTo(Outcome.MISSING);
        assertThat(authenticator.authenticate("  ").outcome()).isEqualTo(Outcome.MISSING);
        assertThat(authenticator.authenticate("Bearer").outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(authenticator.authenticate("Bearer ").outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(authenticator.authenticate("Basic YWRtaW46YWRtaW4=").outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(authenticator.authenticate("Bearer not-a-token").outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(authenticator.authenticate(ApiTokens.generate()).outcome()).as("no scheme").isEqualTo(Outcome.MALFORMED);
        assertThat(queries).hasValue(0);
    }

    @Test
    void aWellFormedTokenTheDatabaseDoesNotKnowIsUnknown() {
        assertThat(authenticator.authenticate("Bearer " + ApiTokens.generate()).outcome()).isEqualTo(Outcome.UNKNOWN);
    }

    @Test
    void aValidTokenIsAskedForOnceWithinTheTtl() {
        String token = store("svc", Role.SERVICE);
        for (int i = 0; i < 10; i++) {
            clock.addAndGet(TTL.toNanos() / 20);
            assertThat(authenticator.authenticate("Bearer " + token).outcome()).isEqualTo(Outcome.AUTHENTICATED);
        }
        assertThat(queries).hasValue(1);
    }

    @Test
    void aRevokedTokenStopsWorkingOnceTheTtlHasPassed() {
        String token = store("ana", Role.OBSERVER);
        assertThat(authenticator.authenticate("Bearer " + token).outcome()).isEqualTo(Outcome.AUTHENTICATED);

        database.remove(ApiTokens.hash(token));
        clock.addAndGet(TTL.toNanos() - 1);
        assertThat(authenticator.authenticate("Bearer " + token).outcome()).as("still remembered")
                .isEqualTo(Outcome.AUTHENTICATED);
        clock.addAndGet(1);
        assertThat(authenticator.authenticate("Bearer " + token).outcome()).isEqualTo(Outcome.UNKNOWN);
    }

    @Test
    void anUnknownTokenIsNotRememberedSoItWorksAsSoonAsTheDatabaseHasIt() {
        String token = ApiTokens.generate();
        assertThat(authenticator.authenticate("Bearer " + token).outcome()).isEqualTo(Outcome.UNKNOWN);

        database.put(ApiTokens.hash(token), new AuthenticatedPrincipal("late", Role.VIEWER));

        assertThat(authenticator.authenticate("Bearer " + token).outcome()).isEqualTo(Outcome.AUTHENTICATED);
    }

    @Test
    void theCacheStaysWithinItsBound() {
        for (int i = 0; i < 10; i++) {
            String token = store("user" + i, Role.VIEWER);
            assertThat(authenticator.authenticate("Bearer " + token).outcome()).isEqualTo(Outcome.AUTHENTICATED);
            assertThat(authenticator.rememberedCount()).isLessThanOrEqualTo(3);
        }
    }

    @Test
    void aDatabaseThatDoesNotAnswerMakesTheTokenUncheckableNotInvalid() {
        String token = store("ana", Role.OBSERVER);
        databaseDown = true;

        assertThat(authenticator.authenticate("Bearer " + token).outcome()).isEqualTo(Outcome.UNAVAILABLE);

        databaseDown = false;
        assertThat(authenticator.authenticate("Bearer " + token).outcome()).isEqualTo(Outcome.AUTHENTICATED);
    }

    @Test
    void aTokenTheDatabaseConfirmedStaysValidWhileTheDatabaseCannotBeAsked() {
        String token = store("telescope", Role.SERVICE);
        assertThat(authenticator.authenticate("Bearer " + token).outcome()).isEqualTo(Outcome.AUTHENTICATED);
        clock.addAndGet(TTL.toNanos() * 100);
        databaseDown = true;

        BearerTokenAuthenticator.Result result = authenticator.authenticate("Bearer " + token);

        assertThat(result.outcome()).as("a local replica outage must not stop critical writes").isEqualTo(Outcome.AUTHENTICATED);
        assertThat(result.principal().username()).isEqualTo("telescope");
        assertThat(authenticator.authenticate("Bearer " + ApiTokens.generate()).outcome()).isEqualTo(Outcome.UNAVAILABLE);
    }

    @Test
    void whileTheDatabaseIsDownAConfirmedTokenIsAnsweredAtOnceAndRecheckedInTheBackground() {
        String token = store("telescope", Role.SERVICE);
        authenticator.authenticate("Bearer " + token);
        clock.addAndGet(TTL.toNanos() * 2);
        databaseDown = true;
        assertThat(authenticator.authenticate("Bearer " + token).outcome()).isEqualTo(Outcome.AUTHENTICATED);
        int asked = queries.get();

        for (int i = 0; i < 3; i++) {
            assertThat(authenticator.authenticate("Bearer " + token).outcome()).isEqualTo(Outcome.AUTHENTICATED);
        }
        assertThat(queries.get()).as("no request waits on a database known to be down").isEqualTo(asked);
        assertThat(rechecks).as("one recheck at a time").hasSize(1);

        // Back up, and the token was revoked meanwhile: the recheck finds out, and the next request is refused.
        databaseDown = false;
        database.clear();
        rechecks.remove(0).run();
        assertThat(queries.get()).isEqualTo(asked + 1);
        assertThat(authenticator.authenticate("Bearer " + token).outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(rechecks).isEmpty();
    }

    private String store(String username, Role role) {
        String token = ApiTokens.generate();
        database.put(ApiTokens.hash(token), new AuthenticatedPrincipal(username, role));
        return token;
    }
}
