package io.opsdb.relay.main.apply;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import io.opsdb.relay.site.spring.SiteBeans;

/**
 * The applier at every site: the main site applies its own writes and the mirrored commands with it, and
 * a secondary writes through it when a write goes straight to the primary.
 */
@Configuration(proxyBeanMethods = false)
public class DirectWriteConfiguration {

    /** @param listener an {@link ApplyListener} bean if there is one (the main site's metrics) */
    @Bean
    CommandApplier commandApplier(@Qualifier(SiteBeans.MAIN + "Jdbc") JdbcTemplate primary, TransactionTemplate mainTransactions,
            ObjectProvider<ApplyListener> listener) {
        return new CommandApplier(primary, mainTransactions, listener.getIfAvailable(() -> ApplyListener.NONE));
    }
}
