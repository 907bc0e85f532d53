package io.opsdb.relay.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.role.SiteUnavailableException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

class ProblemResponsesTest {

    private final ProblemResponses responses = new ProblemResponses();

    @Test
    void aSiteThatCannotAnswerForAMomentIsA503WithRetryAfterAsADatabaseOutageIs() {
        ResponseEntity<ProblemDetail> restoring = responses.siteUnavailable(new SiteUnavailableException(
                "This site's transaction state is being restored or is not running yet; try again shortly.", null));
        ResponseEntity<ProblemDetail> database =
                responses.databaseUnavailable(new DataAccessResourceFailureException("connection refused"));

        for (ResponseEntity<ProblemDetail> answer : java.util.List.of(restoring, database)) {
            assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
            assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
            assertThat(answer.getBody().getStatus()).isEqualTo(503);
        }
        assertThat(restoring.getBody().getDetail()).contains("being restored");
    }
}
