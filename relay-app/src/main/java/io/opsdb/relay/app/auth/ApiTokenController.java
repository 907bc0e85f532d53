package io.opsdb.relay.app.auth;

import io.opsdb.relay.app.web.RequestFields;
import io.opsdb.relay.app.web.RequestProblem;
import io.opsdb.relay.site.SiteConfiguration;
import io.opsdb.relay.site.spring.SiteBeans;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * API token management, at the main site only (tokens are written to the primary and reach the secondaries
 * through their replicas); admins only, see {@link AccessPolicy}.
 * <ul>
 *   <li>{@code POST /api/tokens {username, role}}: 201 with the token, the only time it is ever shown;</li>
 *   <li>{@code GET /api/tokens}: every token's id, user, role and dates, never a token or its hash;</li>
 *   <li>{@code DELETE /api/tokens/{id}}: revokes it (204), everywhere once replicated.</li>
 * </ul>
 */
@RestController
class ApiTokenController {

    private static final Set<String> CREATE_FIELDS = Set.of("username", "role");

    private final ApiTokenStore tokens;
    private final SiteConfiguration site;

    ApiTokenController(@Qualifier(SiteBeans.MAIN + "Jdbc") JdbcTemplate primary, SiteConfiguration site) {
        this.tokens = new ApiTokenStore(primary);
        this.site = site;
    }

    @PostMapping("/api/tokens")
    ResponseEntity<Map<String, Object>> create(@RequestBody(required = false) Map<String, Object> body) {
        requireMainSite();
        RequestFields fields = new RequestFields(body, CREATE_FIELDS);
        String username = fields.text("username", true, ApiTokenStore.MAX_USERNAME_LENGTH);
        String role = fields.oneOf("role", Role.valueSet(), null);
        if (body == null || body.get("role") == null) {
            fields.reject("role", "is required; one of " + String.join(", ", Role.valueSet()));
        }
        fields.throwIfInvalid();

        ApiTokenStore.IssuedToken issued =
                tokens.issue(username, Role.fromValue(role).orElseThrow());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", issued.id().toString());
        answer.put("token", issued.token());
        answer.put("username", issued.username());
        answer.put("role", issued.role().value());
        answer.put("created_at", issued.createdAt().toString());
        // The token is in this answer only: no cache may keep it.
        return ResponseEntity.status(HttpStatus.CREATED)
                .cacheControl(CacheControl.noStore())
                .body(answer);
    }

    @GetMapping("/api/tokens")
    Map<String, Object> list() {
        requireMainSite();
        List<Map<String, Object>> listed =
                tokens.list().stream().map(ApiTokenController::view).toList();
        return Map.of("tokens", listed);
    }

    @DeleteMapping("/api/tokens/{id}")
    ResponseEntity<Void> revoke(@PathVariable String id) {
        requireMainSite();
        if (!RequestFields.isUuid(id)) {
            throw RequestProblem.invalid("id", "must be a UUID");
        }
        if (tokens.revoke(UUID.fromString(id)) == ApiTokenStore.Revocation.NOT_FOUND) {
            throw RequestProblem.notFound("API token " + id);
        }
        return ResponseEntity.noContent().build();
    }

    private void requireMainSite() {
        if (!site.isMainSite()) {
            throw RequestProblem.forbidden("API tokens are managed at the main site; " + site.siteName()
                    + " is a secondary site and sees them through its replica.");
        }
    }

    private static Map<String, Object> view(ApiTokenStore.StoredToken token) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", token.id().toString());
        view.put("username", token.username());
        view.put("role", token.role().value());
        view.put("created_at", text(token.createdAt()));
        view.put("revoked_at", text(token.revokedAt()));
        return view;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
