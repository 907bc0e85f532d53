package io.opsdb.relay.app.auth;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import io.opsdb.relay.site.spring.SiteBeans;

/** Bearer-token authentication of every request, against this site's own database. */
@Configuration(proxyBeanMethods = false)
class AuthConfiguration {

    /** Where Spring Security would put its filter chain: after request observation, before everything else. */
    static final int FILTER_ORDER = -100;

    @Bean
    BearerTokenAuthenticator bearerTokenAuthenticator(@Qualifier(SiteBeans.LOCAL + "Jdbc") JdbcTemplate local) {
        // The local database: at a secondary its replica, which has every token the main site issued once it has
        // replayed it, and answers while the WAN is down.
        return new BearerTokenAuthenticator(new ApiTokenStore(local)::findActive);
    }

    @Bean
    FilterRegistrationBean<BearerTokenFilter> bearerTokenFilter(BearerTokenAuthenticator authenticator) {
        FilterRegistrationBean<BearerTokenFilter> registration =
                new FilterRegistrationBean<>(new BearerTokenFilter(authenticator));
        registration.setName("bearerTokenFilter");
        registration.setOrder(FILTER_ORDER);
        return registration;
    }
}
