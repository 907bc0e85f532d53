package io.opsdb.relay.main.internal.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;

class SqlFailureClassifierTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "08006, TRANSIENT", // connection_failure
        "08001, TRANSIENT", // cannot connect
        "40001, TRANSIENT", // serialization_failure
        "40P01, TRANSIENT", // deadlock
        "57P01, TRANSIENT", // admin_shutdown
        "57P03, TRANSIENT", // cannot_connect_now
        "57014, TRANSIENT", // statement timeout
        "53300, TRANSIENT", // too_many_connections
        "23505, PERMANENT", // unique_violation
        "23503, PERMANENT", // foreign_key_violation
        "23514, PERMANENT", // check_violation
        "22P02, PERMANENT", // invalid_text_representation
        "42703, PERMANENT", // undefined_column
    })
    void classifiesBySqlState(String state, FailureKind kind) {
        assertThat(SqlFailureClassifier.classify(new SQLException("x", state))).isEqualTo(kind);
        assertThat(SqlFailureClassifier.classify(
                        new UncategorizedSQLException("apply", "sql", new SQLException("x", state))))
                .as("wrapped by Spring")
                .isEqualTo(kind);
    }

    @Test
    void readsTheStateOfABatchFailureFromItsNextException() {
        BatchUpdateException batch =
                new BatchUpdateException("Batch entry 0 INSERT ... was aborted", null, 0, new int[0]);
        batch.setNextException(new SQLException("ERROR: insert or update violates foreign key constraint", "23503"));

        assertThat(SqlFailureClassifier.classify(batch)).isEqualTo(FailureKind.PERMANENT);
        assertThat(SqlFailureClassifier.reason(batch))
                .isEqualTo("SQLState 23503: ERROR: insert or update violates foreign key constraint");
    }

    @Test
    void noConnectionIsTransientAndAnInvalidCommandPermanent() {
        assertThat(SqlFailureClassifier.classify(new CannotGetJdbcConnectionException("pool exhausted")))
                .isEqualTo(FailureKind.TRANSIENT);
        assertThat(SqlFailureClassifier.classify(new SQLException("I/O error"))).isEqualTo(FailureKind.TRANSIENT);
        assertThat(SqlFailureClassifier.classify(new InvalidCommandException("no such record")))
                .isEqualTo(FailureKind.PERMANENT);
        assertThat(SqlFailureClassifier.reason(new InvalidCommandException("no such record")))
                .isEqualTo("no such record");
    }
}
