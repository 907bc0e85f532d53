package io.opsdb.relay.app.metrics;

import io.opsdb.relay.app.site.SiteStatus;
import io.opsdb.relay.role.SiteRole;
import io.opsdb.relay.site.SiteConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The relay's meters, and where their counts come from: the site's role, which tells of the transactions it
 * settles (the applier's at the main site, the tracker's at a secondary), each once.
 */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

    @Bean
    RelayMetrics relayMetrics(SiteConfiguration site, SiteStatus status, SiteRole role) {
        RelayMetrics metrics = new RelayMetrics(site, status);
        role.addListener(metrics);
        return metrics;
    }
}
