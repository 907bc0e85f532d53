package io.opsdb.relay.main;

import io.opsdb.relay.site.SiteType;
import io.opsdb.relay.site.spring.ConditionalOnSiteType;
import io.opsdb.relay.site.spring.SiteBeans;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

/**
 * What only the main site runs: its {@code SiteRole}, the schema migrations of the primary, the applier of every
 * secondary's mirrored commands, and the outcome stream read from the primary's WAL. The role needs a
 * {@code SiteProbes} bean, which the application provides; the applier itself is in {@link PrimaryWritesConfiguration},
 * which every site type runs.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnSiteType(SiteType.MAIN)
@ComponentScan(basePackageClasses = MainSiteConfiguration.class)
public class MainSiteConfiguration {

    /** Versioned migrations, applied to the primary only; replicas receive them through WAL. */
    @Bean(initMethod = "migrate")
    Flyway flyway(@Qualifier(SiteBeans.MAIN + "DataSource") DataSource primary) {
        return Flyway.configure()
                .dataSource(primary)
                .locations("classpath:db/migration")
                .load();
    }
}
