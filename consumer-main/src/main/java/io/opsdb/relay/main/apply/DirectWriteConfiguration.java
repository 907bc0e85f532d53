package io.opsdb.relay.main.apply;

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

    @Bean
    CommandApplier commandApplier(@Qualifier(SiteBeans.MAIN + "Jdbc") JdbcTemplate primary, TransactionTemplate mainTransactions) {
        return new CommandApplier(primary, mainTransactions);
    }
}
