package io.opsdb.relay.secondary;

import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

import io.opsdb.relay.site.SiteType;
import io.opsdb.relay.site.spring.ConditionalOnSiteType;

/**
 * What only a secondary site runs: the command publisher, the transaction tracker with its in-flight
 * overlay, the follower of the main site's outcomes, and the poller of the replica's replay position.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnSiteType(SiteType.SECONDARY)
@ComponentScan(basePackageClasses = SecondarySiteConfiguration.class)
public class SecondarySiteConfiguration {
}
