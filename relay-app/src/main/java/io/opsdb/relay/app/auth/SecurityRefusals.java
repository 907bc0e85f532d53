package io.opsdb.relay.app.auth;

import io.opsdb.relay.app.auth.AccessPolicyAuthorizationManager.PolicyDecision;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.firewall.RequestRejectedException;
import tools.jackson.databind.json.JsonMapper;

/**
 * How the security chain refuses a request, as {@code application/problem+json} in the shape of Spring's
 * {@code ProblemDetail} like every other refusal of this API: 401 with a {@code WWW-Authenticate: Bearer}
 * challenge (RFC 6750) for a missing, malformed, unknown or revoked token, 403 for a role without the
 * permission, 503 when this site's database cannot be asked, 400 for a request the firewall refuses. No answer
 * ever repeats the token. Each method has the shape of the Spring Security hook it serves, named where it is
 * plugged in ({@link SecurityConfiguration}).
 */
final class SecurityRefusals {

    private static final String REALM = "ops-db-relay";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SecurityRefusals() {}

    /**
     * No usable credentials: as the {@code AuthenticationEntryPoint} (no token where one is needed) and as the
     * bearer filter's {@code AuthenticationFailureHandler} (a token refused, or the database not answering).
     */
    static void unauthenticated(
            HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        if (failure instanceof InvalidBearerTokenException invalid) {
            challenge(request, response, invalid.errorCode(), invalid.getMessage());
        } else if (failure instanceof AuthenticationServiceException) {
            response.setHeader(HttpHeaders.RETRY_AFTER, "5");
            write(
                    request,
                    response,
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "The API token cannot be checked: this site's database does not answer. Try again shortly.");
        } else {
            challenge(
                    request,
                    response,
                    null,
                    "This request needs an API token: send 'Authorization: Bearer " + ApiTokens.PREFIX + "...'.");
        }
    }

    /** A valid token whose role lacks the permission: as the {@code AccessDeniedHandler}. */
    static void forbidden(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        response.setHeader(
                HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + REALM + "\", error=\"insufficient_scope\"");
        String detail = "This request is not allowed with this API token.";
        if (denied instanceof AuthorizationDeniedException authorization
                && authorization.getAuthorizationResult() instanceof PolicyDecision decision
                && decision.principal() != null) {
            AuthenticatedPrincipal principal = decision.principal();
            detail = "Role '" + principal.role().value() + "' of user '" + principal.username() + "' does not allow "
                    + decision.required().value() + " (" + request.getMethod() + " "
                    + AccessPolicy.pathWithinApplication(request) + "); roles that do: "
                    + rolesGranting(decision.required()) + ".";
        }
        write(request, response, HttpStatus.FORBIDDEN, detail);
    }

    /** A request Spring Security's firewall refuses before any rule applies: as the {@code RequestRejectedHandler}. */
    static void rejected(HttpServletRequest request, HttpServletResponse response, RequestRejectedException rejected)
            throws IOException {
        // Not the exception's message: it may quote a header's value, and that header may carry a token.
        write(
                request,
                response,
                HttpStatus.BAD_REQUEST,
                "The request path is not in canonical form: no empty, '.' or"
                        + " '..' segments, no ';' and no encoded '/', '\\', '.' or '%'; or the request has a method, header or"
                        + " parameter with characters that are not allowed.");
    }

    private static void challenge(HttpServletRequest request, HttpServletResponse response, String error, String detail)
            throws IOException {
        // RFC 6750, 3: no error code when the request carried no credentials at all.
        response.setHeader(
                HttpHeaders.WWW_AUTHENTICATE,
                "Bearer realm=\"" + REALM + "\"" + (error == null ? "" : ", error=\"" + error + "\""));
        write(request, response, HttpStatus.UNAUTHORIZED, detail);
    }

    private static void write(
            HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail)
            throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", status.getReasonPhrase());
        body.put("status", status.value());
        body.put("detail", detail);
        body.put("instance", AccessPolicy.pathWithinApplication(request));
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getOutputStream().write(JSON.writeValueAsBytes(body));
    }

    private static String rolesGranting(Permission permission) {
        return Arrays.stream(Role.values())
                .filter(role -> role.grants(permission))
                .map(Role::value)
                .collect(Collectors.joining(", "));
    }
}
