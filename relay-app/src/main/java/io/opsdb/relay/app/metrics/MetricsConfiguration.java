package io.opsdb.relay.app.metrics;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.opsdb.relay.app.site.SiteStatus;
import io.opsdb.relay.main.apply.ApplyListener;
import io.opsdb.relay.secondary.transaction.TransactionTracker;
import io.opsdb.relay.site.SiteConfiguration;
import io.opsdb.relay.site.SiteType;
import io.opsdb.relay.site.spring.ConditionalOnSiteType;

/**
 * The relay's meters, and where their counts come from: the applier at the main site, the transaction
 * tracker at a secondary. Only one of the two feeds them, so a secondary's direct writes (which go
 * through an applier too) are counted once.
 */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

    @Bean
    RelayMetrics relayMetrics(SiteConfiguration site, SiteStatus status, ObjectProvider<TransactionTracker> tracker) {
        RelayMetrics metrics = new RelayMetrics(site, status);
        tracker.ifAvailable(transactions -> transactions.addListener(metrics.transactionListener()));
        return metrics;
    }

    @Bean
    @ConditionalOnSiteType(SiteType.MAIN)
    ApplyListener applyMetrics(RelayMetrics metrics) {
        return metrics.applyListener();
    }
}
