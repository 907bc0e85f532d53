package io.opsdb.relay.main.apply;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import io.opsdb.relay.site.spring.SiteBeans;

/**
 * The applier at every site: the main site applies its own writes and the mirrored commands with it, and
 * a secondary writes through it when a write goes straight to the primary.
 */
@Configuration(proxyBeanMethods = false)
public class DirectWriteConfiguration {

    /**
     * TEST ONLY (environment {@code RELAY_TEST_ONLY_APPLY_DUPLICATES=true}): the applier applies every command as new,
     * duplicates included, so the fault suite can show that its audit catches a command applied twice. Off by default;
     * never set it outside that test.
     */
    static final String APPLY_DUPLICATES_TEST_ONLY = "relay.test-only.apply-duplicates";

    /** @param listener an {@link ApplyListener} bean if there is one (the main site's metrics) */
    @Bean
    CommandApplier commandApplier(@Qualifier(SiteBeans.MAIN + "Jdbc") JdbcTemplate primary, TransactionTemplate mainTransactions,
            ObjectProvider<ApplyListener> listener, Environment environment) {
        CommandApplier.Deduplication deduplication = environment.getProperty(APPLY_DUPLICATES_TEST_ONLY, Boolean.class, false)
                ? CommandApplier.Deduplication.OFF_TEST_ONLY : CommandApplier.Deduplication.LEDGER_CLAIM;
        return new CommandApplier(primary, mainTransactions, listener.getIfAvailable(() -> ApplyListener.NONE), deduplication);
    }
}
