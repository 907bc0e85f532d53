package io.opsdb.relay.app.site;

import io.opsdb.relay.main.MainSiteConfiguration;
import io.opsdb.relay.main.PrimaryWritesConfiguration;
import io.opsdb.relay.secondary.SecondarySiteConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Where the roles are wired in, the one place this application names them: SITE_TYPE enables the main site's or a
 * secondary's configuration, and with it the one {@code SiteRole} bean the rest of the application is written
 * against. The main site's applier ({@link PrimaryWritesConfiguration}) is there at every site type: its
 * {@code PrimaryWrites} is how a secondary's role writes straight to the primary without depending on
 * {@code consumer-main}; this application's {@link LocalSiteProbes} is how both roles check the site's database and
 * Kafka cluster.
 */
@Configuration(proxyBeanMethods = false)
@Import({PrimaryWritesConfiguration.class, MainSiteConfiguration.class, SecondarySiteConfiguration.class})
class SiteRoles {}
