package io.opsdb.relay.app.site;

import io.opsdb.relay.role.SiteProbes;
import io.opsdb.relay.site.spring.SiteBeans;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

/** This site's database, Kafka cluster and listeners, checked the same way at every site type for the role's health components. */
@Component
class LocalSiteProbes implements SiteProbes {

    private static final String CONSUMER_METRICS = "consumer-metrics";
    private static final String CONNECTION_COUNT = "connection-count";

    private final JdbcTemplate local;
    private final KafkaListenerEndpointRegistry listeners;

    LocalSiteProbes(@Qualifier(SiteBeans.LOCAL + "Jdbc") JdbcTemplate local, KafkaListenerEndpointRegistry listeners) {
        this.local = local;
        this.listeners = listeners;
    }

    @Override
    public boolean databaseReachable() {
        try {
            return Integer.valueOf(1).equals(local.queryForObject("SELECT 1", Integer.class));
        } catch (DataAccessException e) {
            return false;
        }
    }

    /**
     * True when this site's consumers are connected to its cluster. Read from the running listener
     * containers' own client metrics, so it costs no request: a consumer polls all the time and keeps its
     * connections while the cluster answers, and has none while it does not.
     */
    @Override
    public boolean kafkaConnected() {
        boolean anyRunning = false;
        for (MessageListenerContainer container : listeners.getListenerContainers()) {
            if (!container.isRunning()) {
                continue;
            }
            anyRunning = true;
            for (Map<MetricName, ? extends Metric> clientMetrics :
                    container.metrics().values()) {
                if (!connected(clientMetrics)) {
                    return false;
                }
            }
        }
        return anyRunning;
    }

    @Override
    public boolean listenerRunning(String listenerId) {
        MessageListenerContainer container = listeners.getListenerContainer(listenerId);
        return container != null && container.isRunning();
    }

    private static boolean connected(Map<MetricName, ? extends Metric> clientMetrics) {
        for (Map.Entry<MetricName, ? extends Metric> metric : clientMetrics.entrySet()) {
            if (CONNECTION_COUNT.equals(metric.getKey().name())
                    && CONSUMER_METRICS.equals(metric.getKey().group())) {
                return metric.getValue().metricValue() instanceof Number count && count.doubleValue() > 0;
            }
        }
        return false;
    }
}
