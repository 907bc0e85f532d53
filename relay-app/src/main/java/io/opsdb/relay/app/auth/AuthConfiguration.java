package io.opsdb.relay.app.auth;

import io.opsdb.relay.site.spring.SiteBeans;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * API tokens are checked against this site's own database; the HTTP side of authentication and authorisation
 * is {@link SecurityConfiguration}'s.
 */
@Configuration(proxyBeanMethods = false)
class AuthConfiguration {

    /** Being an {@code AuthenticationProvider} bean, it also keeps Spring Boot from making a default user. */
    @Bean
    ApiTokenAuthenticationProvider apiTokenAuthenticationProvider(
            @Qualifier(SiteBeans.LOCAL + "Jdbc") JdbcTemplate local) {
        // The local database: at a secondary its replica, which has every token the main site issued once it has
        // replayed it, and answers while the WAN is down.
        return new ApiTokenAuthenticationProvider(new ApiTokenStore(local)::findActive);
    }
}
