package io.opsdb.relay.app;

import io.opsdb.relay.app.auth.CreateTokenCommand;
import io.opsdb.relay.site.spring.SiteBeans;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * ops-db-relay at one site. The operations API is the same at every site; SITE_TYPE decides the role
 * behind it (see {@code site/SiteRoles}): the main site applies every site's commands and streams their commit LSNs
 * back, a secondary buffers its critical writes and follows them until its replica shows them.
 */
@SpringBootApplication
@Import(SiteBeans.class)
public class RelayApplication {

    /**
     * Runs the site's application; or, with {@code create-token} as the first argument, only issues an API token
     * in the main database and exits (see {@link CreateTokenCommand}).
     */
    public static void main(String[] args) {
        if (args.length > 0 && CreateTokenCommand.NAME.equals(args[0])) {
            System.exit(CreateTokenCommand.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        SpringApplication.run(RelayApplication.class, args);
    }
}
