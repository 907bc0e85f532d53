package io.opsdb.relay.app.auth;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * API tokens in {@code api_token} and their users in {@code app_user}, by hash only. Issuing and revoking
 * write, so they go to the primary; looking a token up reads whichever database it is given (this site's own:
 * a secondary sees a token once its replica has replayed it). Used by the application and by the
 * {@code create-token} command alike, so there is one way a token is stored.
 */
public class ApiTokenStore {

    /** A token just issued: the only time the token itself is known. */
    public record IssuedToken(UUID id, String token, String username, Role role, Instant createdAt) {

        @Override
        public String toString() {
            return "IssuedToken[" + id + ", " + username + ", " + role.value() + "]";
        }
    }

    /** A stored token as it may be shown: no token, no hash. */
    public record StoredToken(UUID id, String username, Role role, Instant createdAt, Instant revokedAt) {}

    /** What revoking a token did. */
    public enum Revocation {
        REVOKED,
        ALREADY_REVOKED,
        NOT_FOUND
    }

    /** The longest username accepted, by the API and the {@code create-token} command alike. */
    public static final int MAX_USERNAME_LENGTH = 100;

    private final JdbcTemplate jdbc;

    public ApiTokenStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Issues a token for {@code username} with {@code role}, creating the user if it does not exist yet. */
    public IssuedToken issue(String username, Role role) {
        String token = ApiTokens.generate();
        UUID id = UUID.randomUUID();
        // One statement, so one transaction: the user exists exactly when its token does. DO UPDATE rather than
        // DO NOTHING, so that RETURNING gives the id of an existing user too.
        Instant createdAt = jdbc.queryForObject(
                """
                WITH app_user_row AS (
                    INSERT INTO app_user (id, username) VALUES (?, ?)
                    ON CONFLICT (username) DO UPDATE SET username = EXCLUDED.username
                    RETURNING id)
                INSERT INTO api_token (id, user_id, token_hash, role)
                SELECT ?, app_user_row.id, ?, ? FROM app_user_row
                RETURNING created_at""",
                (rs, row) -> instant(rs, "created_at"),
                UUID.randomUUID(),
                username,
                id,
                ApiTokens.hash(token),
                role.value());
        return new IssuedToken(id, token, username, role, createdAt);
    }

    /** Who holds the token with this hash, unless there is none or it was revoked. */
    public Optional<AuthenticatedPrincipal> findActive(String tokenHash) {
        return jdbc
                .query("""
                SELECT u.username, t.role FROM api_token t JOIN app_user u ON u.id = t.user_id
                WHERE t.token_hash = ? AND t.revoked_at IS NULL""", (rs, row) -> new AuthenticatedPrincipal(rs.getString("username"), role(rs)), tokenHash)
                .stream()
                .findFirst();
    }

    /** Every token, revoked ones included, oldest first. */
    public List<StoredToken> list() {
        return jdbc.query(
                """
                SELECT t.id, u.username, t.role, t.created_at, t.revoked_at
                FROM api_token t JOIN app_user u ON u.id = t.user_id
                ORDER BY t.created_at, t.id""",
                (rs, row) -> new StoredToken(
                        rs.getObject("id", UUID.class),
                        rs.getString("username"),
                        role(rs),
                        instant(rs, "created_at"),
                        instant(rs, "revoked_at")));
    }

    /** Revokes a token from now on; revoking it again changes nothing. */
    public Revocation revoke(UUID id) {
        if (jdbc.update("UPDATE api_token SET revoked_at = now() WHERE id = ? AND revoked_at IS NULL", id) == 1) {
            return Revocation.REVOKED;
        }
        Integer known = jdbc.queryForObject("SELECT count(*) FROM api_token WHERE id = ?", Integer.class, id);
        return known != null && known > 0 ? Revocation.ALREADY_REVOKED : Revocation.NOT_FOUND;
    }

    private static Role role(ResultSet rs) throws SQLException {
        String value = rs.getString("role");
        // The table's CHECK constraint admits only these values.
        return Role.fromValue(value)
                .orElseThrow(() -> new IllegalStateException("unknown role in api_token: " + value));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
