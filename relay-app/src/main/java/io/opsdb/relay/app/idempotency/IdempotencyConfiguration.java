package io.opsdb.relay.app.idempotency;

import io.opsdb.relay.role.SiteRole;
import io.opsdb.relay.site.SiteConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Idempotency-Keys on writes, at both site types; the site's role keeps them ({@link SiteRole#idempotencyRecords()}). */
@Configuration(proxyBeanMethods = false)
class IdempotencyConfiguration {

    /** Right after Spring Security's filter chain: the key's scope is the authenticated user. */
    static final int FILTER_ORDER = SecurityFilterProperties.DEFAULT_FILTER_ORDER + 10;

    @Bean
    FilterRegistrationBean<IdempotencyKeyFilter> idempotencyKeyFilter(SiteConfiguration site, SiteRole role) {
        FilterRegistrationBean<IdempotencyKeyFilter> registration =
                new FilterRegistrationBean<>(new IdempotencyKeyFilter(site, role.idempotencyRecords()));
        registration.setName("idempotencyKeyFilter");
        registration.setOrder(FILTER_ORDER);
        return registration;
    }
}
