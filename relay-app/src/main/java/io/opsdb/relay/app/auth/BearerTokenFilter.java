package io.opsdb.relay.app.auth;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

import tools.jackson.databind.json.JsonMapper;

/**
 * Admits a request only if its {@code Authorization: Bearer} token's role grants what {@link AccessPolicy} says
 * the request needs, and puts the {@link AuthenticatedPrincipal} in the request attribute
 * {@value AuthenticatedPrincipal#REQUEST_ATTRIBUTE}. Refusals are {@code application/problem+json}: 401 with
 * {@code WWW-Authenticate: Bearer} for a missing, malformed, unknown or revoked token, 403 for a role without
 * the permission, 503 when this site's database cannot be asked. No answer ever repeats the token.
 */
public class BearerTokenFilter extends OncePerRequestFilter {

    private static final String REALM = "ops-db-relay";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final BearerTokenAuthenticator authenticator;

    public BearerTokenFilter(BearerTokenAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!AccessPolicy.isNormalized(path)) {
            refuse(response, path, HttpStatus.BAD_REQUEST, "The request path is not in canonical form: no empty, '.' or"
                    + " '..' segments, no ';' and no encoded '/', '\\', '.' or '%'.");
            return;
        }
        Permission required = AccessPolicy.required(request.getMethod(), path);
        if (required == Permission.PUBLIC) {
            chain.doFilter(request, response);
            return;
        }
        BearerTokenAuthenticator.Result result = authenticator.authenticate(request.getHeader(HttpHeaders.AUTHORIZATION));
        switch (result.outcome()) {
            case MISSING -> unauthenticated(response, path, null,
                    "This request needs an API token: send 'Authorization: Bearer " + ApiTokens.PREFIX + "...'.");
            case MALFORMED -> unauthenticated(response, path, "invalid_request",
                    "The Authorization header is not 'Bearer' followed by an API token of the form "
                            + ApiTokens.PREFIX + "<43 characters>.");
            case UNKNOWN -> unauthenticated(response, path, "invalid_token",
                    "The API token is unknown or revoked at this site. A token issued at the main site is valid at a"
                            + " secondary once its replica has it.");
            case UNAVAILABLE -> {
                response.setHeader(HttpHeaders.RETRY_AFTER, "5");
                refuse(response, path, HttpStatus.SERVICE_UNAVAILABLE,
                        "The API token cannot be checked: this site's database does not answer. Try again shortly.");
            }
            case AUTHENTICATED -> {
                AuthenticatedPrincipal principal = result.principal();
                if (AccessDecision.of(required, principal) == AccessDecision.FORBIDDEN) {
                    response.setHeader(HttpHeaders.WWW_AUTHENTICATE,
                            "Bearer realm=\"" + REALM + "\", error=\"insufficient_scope\"");
                    refuse(response, path, HttpStatus.FORBIDDEN, "Role '" + principal.role().value() + "' of user '"
                            + principal.username() + "' does not allow " + required.value() + " (" + request.getMethod()
                            + " " + path + "); roles that do: " + rolesGranting(required) + ".");
                    return;
                }
                request.setAttribute(AuthenticatedPrincipal.REQUEST_ATTRIBUTE, principal);
                chain.doFilter(request, response);
            }
        }
    }

    private static void unauthenticated(HttpServletResponse response, String path, String error, String detail)
            throws IOException {
        // RFC 6750, 3: no error code when the request carried no credentials at all.
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE,
                "Bearer realm=\"" + REALM + "\"" + (error == null ? "" : ", error=\"" + error + "\""));
        refuse(response, path, HttpStatus.UNAUTHORIZED, detail);
    }

    private static void refuse(HttpServletResponse response, String path, HttpStatus status, String detail)
            throws IOException {
        // The shape of Spring's ProblemDetail, as every other refusal of this API.
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", status.getReasonPhrase());
        body.put("status", status.value());
        body.put("detail", detail);
        body.put("instance", path);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getOutputStream().write(JSON.writeValueAsBytes(body));
    }

    private static String rolesGranting(Permission permission) {
        return Arrays.stream(Role.values()).filter(role -> role.grants(permission)).map(Role::value)
                .collect(Collectors.joining(", "));
    }
}
