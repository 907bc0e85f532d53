package io.opsdb.relay.app.auth;

import jakarta.servlet.DispatcherType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Spring Security for the API: a stateless chain that authenticates {@code Authorization: Bearer} API tokens
 * ({@link BearerTokenConverter}, {@link ApiTokenAuthenticationProvider}) and authorises every request by
 * {@link AccessPolicy} ({@link AccessPolicyAuthorizationManager}). A request {@link AccessPolicy} makes public
 * is not authenticated at all, so a stale token or a database outage never stops a probe. No sessions, no
 * CSRF (no cookies to forge with), no login forms, and no headers added to answers beyond the refusals'
 * ({@link SecurityRefusals}): the API's answers stay as they were before Spring Security.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {

    @Bean
    SecurityFilterChain apiSecurityFilterChain(HttpSecurity http, ApiTokenAuthenticationProvider tokens) {
        AuthenticationFilter bearerTokens =
                new AuthenticationFilter(new ProviderManager(tokens), new BearerTokenConverter());
        bearerTokens.setRequestMatcher(request -> AccessPolicy.required(request) != Permission.PUBLIC);
        // The request goes on (the default handler would redirect to a saved request).
        bearerTokens.setSuccessHandler((request, response, authentication) -> {});
        bearerTokens.setFailureHandler(SecurityRefusals::unauthenticated);
        return http.addFilterBefore(bearerTokens, AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(requests -> requests
                        // Re-dispatches of a request authorised on its way in: its error page, its async result.
                        .dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC)
                        .permitAll()
                        .anyRequest()
                        .access(new AccessPolicyAuthorizationManager()))
                .exceptionHandling(refusals -> refusals.authenticationEntryPoint(SecurityRefusals::unauthenticated)
                        .accessDeniedHandler(SecurityRefusals::forbidden))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .headers(AbstractHttpConfigurer::disable)
                .build();
    }

    /** Spring Security's firewall refuses paths in other spellings than their canonical one; this answers it. */
    @Bean
    RequestRejectedHandler requestRejectedHandler() {
        return SecurityRefusals::rejected;
    }
}
