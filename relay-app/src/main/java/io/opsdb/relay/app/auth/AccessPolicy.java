package io.opsdb.relay.app.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The one mapping from a request's method and path to the {@link Permission} it needs. The rules below are
 * read top to bottom, the first match wins; a request no rule matches needs {@link Permission#READ} if it only
 * reads (GET, HEAD, OPTIONS) and {@link Permission#WRITE} otherwise, so a new endpoint is never public by
 * accident. Patterns are Spring MVC's own ({@link PathPattern}), so a path matches a rule here exactly when it
 * would match a controller mapping of the same pattern; {@code /x/**} also matches {@code /x}.
 */
public final class AccessPolicy {

    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final Set<String> ANY_METHOD = Set.of();

    /** The rules, first match wins. */
    private static final List<Rule> RULES = List.of(
            // Probes, dashboards and the API description: open to anyone, for reading.
            rule(READ_METHODS, "/health", Permission.PUBLIC),
            rule(READ_METHODS, "/actuator/health/**", Permission.PUBLIC),
            rule(READ_METHODS, "/actuator/prometheus", Permission.PUBLIC),
            rule(READ_METHODS, "/api/site/info", Permission.PUBLIC),
            rule(READ_METHODS, "/docs/**", Permission.PUBLIC),
            rule(READ_METHODS, "/v3/api-docs/**", Permission.PUBLIC),
            // The same description, where clients generated against the old service look for it.
            rule(READ_METHODS, "/openapi.json", Permission.PUBLIC),
            // springdoc's UI at /docs loads its scripts and styles from here.
            rule(READ_METHODS, "/swagger-ui/**", Permission.PUBLIC),
            rule(READ_METHODS, "/swagger-ui.html", Permission.PUBLIC),
            // The status page, its script and the WebJars it loads: the page reads the API with the token the
            // operator enters, so it shows nothing of the site without one (but /health, public above).
            rule(READ_METHODS, "/status/**", Permission.PUBLIC),
            rule(READ_METHODS, "/webjars/**", Permission.PUBLIC),
            rule(ANY_METHOD, "/api/tokens/**", Permission.MANAGE_TOKENS),
            // Operator actions on a failed transaction are writes, whatever method they use.
            rule(ANY_METHOD, "/api/transactions/{id}/retry", Permission.WRITE),
            rule(ANY_METHOD, "/api/transactions/{id}/discard", Permission.WRITE));

    private AccessPolicy() {}

    /**
     * What a request needs.
     *
     * @param method the HTTP method, e.g. {@code GET}
     * @param path   the path within the application, as sent; Spring Security's firewall refuses any path not in
     *               canonical form (empty, {@code .} or {@code ..} segments, {@code ;}, encoded separators or dots)
     *               before the rules are consulted, so that no spelling of a path can match a rule other than the
     *               one its handler's mapping suggests (the container and Spring MVC normalize differently)
     */
    public static Permission required(String method, String path) {
        String upperMethod = method.toUpperCase(Locale.ROOT);
        PathContainer container = PathContainer.parsePath(path);
        for (Rule rule : RULES) {
            if (rule.matches(upperMethod, container)) {
                return rule.permission();
            }
        }
        return READ_METHODS.contains(upperMethod) ? Permission.READ : Permission.WRITE;
    }

    /** What a request needs, by its method and its path within the application. */
    public static Permission required(HttpServletRequest request) {
        return required(request.getMethod(), pathWithinApplication(request));
    }

    /** The request's path as sent, without the context path: the path the rules are written for. */
    static String pathWithinApplication(HttpServletRequest request) {
        return request.getRequestURI().substring(request.getContextPath().length());
    }

    private static Rule rule(Set<String> methods, String pattern, Permission permission) {
        return new Rule(methods, PathPatternParser.defaultInstance.parse(pattern), permission);
    }

    /** Requests with one of {@code methods} (any method if empty) and a path matching {@code pattern}. */
    private record Rule(Set<String> methods, PathPattern pattern, Permission permission) {

        boolean matches(String method, PathContainer path) {
            return (methods.isEmpty() || methods.contains(method)) && pattern.matches(path);
        }
    }
}
