package io.opsdb.relay.main;

import io.opsdb.relay.main.internal.apply.CommandApplier;
import io.opsdb.relay.role.PrimaryWrites;
import io.opsdb.relay.site.SiteConfiguration;
import io.opsdb.relay.site.spring.SiteBeans;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The applier at every site, and the {@link PrimaryWrites} made with it: the main site applies its own writes and
 * the mirrored commands with it, and a secondary's role writes through it when a write goes straight to the primary.
 * The application imports this configuration at every site type; the main site's role listens to the applier
 * ({@link ApplyEvents}), a secondary's does not (it counts its own transactions).
 */
@Configuration(proxyBeanMethods = false)
public class PrimaryWritesConfiguration {

    /**
     * TEST ONLY (environment {@code RELAY_TEST_ONLY_APPLY_DUPLICATES=true}): the applier applies every command as new,
     * duplicates included, so the fault suite can show that its audit catches a command applied twice. Off by default;
     * never set it outside that test.
     */
    static final String APPLY_DUPLICATES_TEST_ONLY = "relay.test-only.apply-duplicates";

    @Bean
    ApplyEvents applyEvents() {
        return new ApplyEvents();
    }

    @Bean
    CommandApplier commandApplier(
            @Qualifier(SiteBeans.MAIN + "Jdbc") JdbcTemplate primary,
            TransactionTemplate mainTransactions,
            ApplyEvents applyEvents,
            Environment environment) {
        CommandApplier.Deduplication deduplication =
                environment.getProperty(APPLY_DUPLICATES_TEST_ONLY, Boolean.class, false)
                        ? CommandApplier.Deduplication.OFF_TEST_ONLY
                        : CommandApplier.Deduplication.LEDGER_CLAIM;
        return new CommandApplier(primary, mainTransactions, applyEvents, deduplication);
    }

    @Bean
    PrimaryWrites primaryWrites(
            CommandApplier applier, @Qualifier(SiteBeans.MAIN + "Jdbc") JdbcTemplate primary, SiteConfiguration site) {
        return new ApplierPrimaryWrites(applier, primary, site.siteName());
    }
}
