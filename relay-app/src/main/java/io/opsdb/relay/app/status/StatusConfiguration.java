package io.opsdb.relay.app.status;

import io.opsdb.relay.app.metrics.RelayMetrics;
import io.opsdb.relay.app.site.SiteStatus;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The status page's history, and where its apply rate comes from: the applied count of the site's metrics. */
@Configuration(proxyBeanMethods = false)
class StatusConfiguration {

    @Bean
    StatusSampler statusSampler(SiteStatus status, RelayMetrics metrics) {
        return new StatusSampler(status, metrics::appliedTotal, Clock.systemUTC());
    }
}
