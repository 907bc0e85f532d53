package io.opsdb.relay.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

import io.opsdb.relay.main.MainSiteConfiguration;
import io.opsdb.relay.main.apply.DirectWriteConfiguration;
import io.opsdb.relay.secondary.SecondarySiteConfiguration;
import io.opsdb.relay.site.spring.SiteBeans;

/**
 * ops-db-relay at one site. The operations API is the same at every site; SITE_TYPE decides the role
 * behind it: the main site applies every site's commands and streams their commit LSNs back, a secondary
 * buffers its critical writes and follows them until its replica shows them.
 */
@SpringBootApplication
@Import({SiteBeans.class, DirectWriteConfiguration.class, MainSiteConfiguration.class, SecondarySiteConfiguration.class})
public class RelayApplication {

    public static void main(String[] args) {
        SpringApplication.run(RelayApplication.class, args);
    }
}
