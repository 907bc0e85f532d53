package io.opsdb.relay.secondary;

import io.opsdb.relay.site.SiteType;
import io.opsdb.relay.site.spring.ConditionalOnSiteType;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

/**
 * What only a secondary site runs: its {@code SiteRole}, with the command publisher, the transaction tracker and
 * its in-flight overlay, the follower of the main site's outcomes, and the poller of the replica's replay position.
 * The role needs a {@code PrimaryWrites} and a {@code SiteProbes} bean: the application provides them (the main
 * site's applier, and its own checks), so this module never depends on {@code consumer-main}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnSiteType(SiteType.SECONDARY)
@ComponentScan(basePackageClasses = SecondarySiteConfiguration.class)
public class SecondarySiteConfiguration {}
