package io.opsdb.relay.site.spring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.opsdb.relay.site.Database;
import io.opsdb.relay.site.SiteConfiguration;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The site configuration and the two databases every site talks to: the primary ({@code main}, where
 * writes go) and this site's own ({@code local}, where reads come from: the replica at a secondary).
 */
@Configuration(proxyBeanMethods = false)
public class SiteBeans {

    public static final String MAIN = "main";
    public static final String LOCAL = "local";

    @Bean
    SiteConfiguration siteConfiguration(Environment environment) {
        // Environment variables take precedence over a .env file (imported as a config file), which takes
        // precedence over the defaults declared in SiteSetting.
        return SiteConfiguration.load(environment::getProperty);
    }

    @Bean(name = MAIN + "DataSource", destroyMethod = "close")
    @Primary
    HikariDataSource mainDataSource(SiteConfiguration site) {
        return pool("relay-main", site.mainDb(), false, 5);
    }

    @Bean(name = LOCAL + "DataSource", destroyMethod = "close")
    HikariDataSource localDataSource(SiteConfiguration site) {
        return pool("relay-local", site.localDb(), site.isSecondarySite(), 8);
    }

    @Bean(name = MAIN + "Jdbc")
    @Primary
    JdbcTemplate mainJdbc(@Qualifier(MAIN + "DataSource") DataSource main) {
        return new JdbcTemplate(main);
    }

    @Bean(name = LOCAL + "Jdbc")
    JdbcTemplate localJdbc(@Qualifier(LOCAL + "DataSource") DataSource local) {
        return new JdbcTemplate(local);
    }

    @Bean
    @Primary
    DataSourceTransactionManager mainTransactionManager(@Qualifier(MAIN + "DataSource") DataSource main) {
        return new DataSourceTransactionManager(main);
    }

    @Bean
    TransactionTemplate mainTransactions(DataSourceTransactionManager mainTransactionManager) {
        return new TransactionTemplate(mainTransactionManager);
    }

    private static HikariDataSource pool(String name, Database db, boolean readOnly, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(db.jdbcUrl(Map.of("reWriteBatchedInserts", "true")));
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setReadOnly(readOnly);
        config.setMaximumPoolSize(size);
        // Start even when the database is down: a secondary must accept buffered writes during an outage.
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(5_000);
        return new HikariDataSource(config);
    }
}
