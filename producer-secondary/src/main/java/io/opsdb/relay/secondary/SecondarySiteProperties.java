package io.opsdb.relay.secondary;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of a secondary site.
 *
 * @param siteName this site's name (SITE_NAME): written into every command, and its cluster's
 *        MirrorMaker 2 alias
 * @param lsnCheckInterval how often the replica's replay position is read (LSN_CHECK_INTERVAL)
 * @param lsnTimeout how long {@code ?wait=visible} waits by default (LSN_TIMEOUT)
 * @param produceTimeout how long a write waits for the local broker's acknowledgement before it is
 *        answered 503
 */
@ConfigurationProperties("relay")
public record SecondarySiteProperties(
        @DefaultValue("institute") String siteName,
        @DefaultValue("100ms") Duration lsnCheckInterval,
        @DefaultValue("30s") Duration lsnTimeout,
        @DefaultValue("15s") Duration produceTimeout) {
}
