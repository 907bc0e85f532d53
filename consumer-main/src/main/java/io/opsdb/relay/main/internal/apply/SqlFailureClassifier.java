package io.opsdb.relay.main.internal.apply;

import java.sql.SQLException;
import java.util.Set;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * Tells transient from permanent apply failures by SQLState, in the manner of Debezium's
 * {@code PostgresErrorHandler}: connection, resource and concurrency trouble is worth a retry; a data
 * or integrity error will fail the same way every time.
 *
 * @see <a href="https://www.postgresql.org/docs/15/errcodes-appendix.html">PostgreSQL error codes</a>
 */
public final class SqlFailureClassifier {

    /** SQLState classes that are about the server or the connection, not the statement. */
    private static final Set<String> TRANSIENT_CLASSES = Set.of(
            "08", // connection exception
            "53", // insufficient resources (disk full, out of memory, too many connections)
            "58"); // system error (I/O)

    private static final Set<String> TRANSIENT_STATES = Set.of(
            "40001", // serialization_failure
            "40P01", // deadlock_detected
            "55P03", // lock_not_available
            "57014", // query_canceled (statement timeout)
            "57P01", // admin_shutdown
            "57P02", // crash_shutdown
            "57P03", // cannot_connect_now (starting up, in recovery)
            "25006", // read_only_sql_transaction: a primary that is a standby for a moment during failover
            "XX000"); // internal_error: not the command's fault

    private SqlFailureClassifier() {}

    public static FailureKind classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidCommandException) {
                return FailureKind.PERMANENT;
            }
            if (t instanceof SQLException sql) {
                return classify(sqlState(sql));
            }
            if (t instanceof CannotGetJdbcConnectionException
                    || t instanceof DataAccessResourceFailureException
                    || t instanceof TransientDataAccessException) {
                return FailureKind.TRANSIENT;
            }
        }
        // Not a database error at all: a bug or a command this code cannot handle. Retrying will not
        // change it, so it is set aside with its reason rather than blocking the stream.
        return FailureKind.PERMANENT;
    }

    static FailureKind classify(String sqlState) {
        if (sqlState == null || sqlState.length() != 5) {
            // The driver raises connection-level failures (I/O, socket closed) without a state.
            return FailureKind.TRANSIENT;
        }
        if (TRANSIENT_STATES.contains(sqlState) || TRANSIENT_CLASSES.contains(sqlState.substring(0, 2))) {
            return FailureKind.TRANSIENT;
        }
        return FailureKind.PERMANENT;
    }

    /** The state of the server's own error: a batch failure carries it on its next exception. */
    private static String sqlState(SQLException e) {
        SQLException next = e.getNextException();
        if (e.getSQLState() == null && next != null) {
            return next.getSQLState();
        }
        return e.getSQLState();
    }

    /** A reason fit for the ledger and the client: the server's message without the driver's wrapping. */
    public static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidCommandException) {
                return t.getMessage();
            }
            if (t instanceof SQLException sql) {
                SQLException cause = sql.getNextException() != null ? sql.getNextException() : sql;
                String message = cause.getMessage();
                // pgjdbc prefixes batch failures with the statement text; keep only the server's words.
                int at = message == null ? -1 : message.indexOf("ERROR:");
                String text = at >= 0 ? message.substring(at) : String.valueOf(message);
                return "SQLState " + cause.getSQLState() + ": " + text.strip();
            }
        }
        return failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }
}
