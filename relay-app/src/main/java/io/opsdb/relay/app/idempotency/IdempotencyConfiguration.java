package io.opsdb.relay.app.idempotency;

import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.opsdb.relay.site.SiteConfiguration;

/** Idempotency-Keys on writes, at both site types; where they are kept depends on the site ({@link IdempotencyRecords}). */
@Configuration(proxyBeanMethods = false)
class IdempotencyConfiguration {

    /** Right after Spring Security's filter chain: the key's scope is the authenticated user. */
    static final int FILTER_ORDER = SecurityFilterProperties.DEFAULT_FILTER_ORDER + 10;

    @Bean
    FilterRegistrationBean<IdempotencyKeyFilter> idempotencyKeyFilter(SiteConfiguration site, IdempotencyRecords records) {
        FilterRegistrationBean<IdempotencyKeyFilter> registration =
                new FilterRegistrationBean<>(new IdempotencyKeyFilter(site, records));
        registration.setName("idempotencyKeyFilter");
        registration.setOrder(FILTER_ORDER);
        return registration;
    }
}
