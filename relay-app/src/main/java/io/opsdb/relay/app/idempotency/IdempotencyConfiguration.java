package io.opsdb.relay.app.idempotency;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.opsdb.relay.role.SiteRole;
import io.opsdb.relay.site.SiteConfiguration;

/** Idempotency-Keys on writes, at both site types; the site's role keeps them ({@link SiteRole#idempotencyRecords()}). */
@Configuration(proxyBeanMethods = false)
class IdempotencyConfiguration {

    /** Right after the bearer-token filter (order -100): the key's scope is the authenticated user. */
    static final int FILTER_ORDER = -90;

    @Bean
    FilterRegistrationBean<IdempotencyKeyFilter> idempotencyKeyFilter(SiteConfiguration site, SiteRole role) {
        FilterRegistrationBean<IdempotencyKeyFilter> registration =
                new FilterRegistrationBean<>(new IdempotencyKeyFilter(site, role.idempotencyRecords()));
        registration.setName("idempotencyKeyFilter");
        registration.setOrder(FILTER_ORDER);
        return registration;
    }
}
