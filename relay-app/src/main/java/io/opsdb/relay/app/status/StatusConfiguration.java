package io.opsdb.relay.app.status;

import io.opsdb.relay.app.site.SiteStatus;
import io.opsdb.relay.role.SiteRole;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The status page's history, and where its apply rate comes from: the transactions the site's role settles. */
@Configuration(proxyBeanMethods = false)
class StatusConfiguration {

    @Bean
    StatusSampler statusSampler(SiteStatus status, SiteRole role) {
        StatusSampler sampler = new StatusSampler(status, Clock.systemUTC());
        role.addListener(sampler);
        return sampler;
    }
}
