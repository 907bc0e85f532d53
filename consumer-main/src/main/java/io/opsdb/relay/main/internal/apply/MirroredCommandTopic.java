package io.opsdb.relay.main.internal.apply;

import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.site.SiteNames;
import java.util.Optional;

/**
 * A secondary site's commands as MirrorMaker 2 mirrors them onto the main site's cluster: {@code <site>.ops.commands},
 * where {@code <site>} is the source cluster's alias, which is that site's {@code SITE_NAME}. The main site applies
 * them only when that name is a valid site name and not its own ({@link SiteNames#originProblem}); otherwise the
 * topic is refused with the reason.
 *
 * @param topic the mirrored topic's name
 * @param site the alias that prefixes it
 * @param refusal why its commands must not be applied; null when they may
 */
public record MirroredCommandTopic(String topic, String site, String refusal) {

    private static final String SUFFIX = "." + RelayTopics.COMMANDS;

    /**
     * The mirrored commands topic {@code topic} is, judged for the main site {@code mainSite}; empty when it is no
     * mirrored commands topic (the main site's own topics, MirrorMaker 2's, the outcomes).
     */
    public static Optional<MirroredCommandTopic> of(String topic, String mainSite) {
        if (!topic.endsWith(SUFFIX) || topic.length() == SUFFIX.length()) {
            return Optional.empty();
        }
        // Everything before the suffix: an alias with a dot in it is refused as a whole, not cut at its first dot.
        String site = topic.substring(0, topic.length() - SUFFIX.length());
        return Optional.of(new MirroredCommandTopic(
                topic, site, SiteNames.originProblem(site, mainSite).orElse(null)));
    }

    public boolean refused() {
        return refusal != null;
    }
}
