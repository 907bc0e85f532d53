package io.opsdb.relay.infra;

import java.util.List;

/**
 * A secondary site's place in the local stack: the names of its components and, by its position in the stack's
 * {@link SiteList}, its ports ({@link StackPorts#secondary}). Each secondary has its own replica of the primary (its
 * own replication slot), its own Kafka cluster, its own two MirrorMaker 2 flows (its commands to cologne, cologne's
 * outcomes, only its own, to it) and its own application.
 *
 * <p>The first secondary keeps the names of the stack that had only one ({@code replica}, {@code mm2-cologne}), so that
 * a stack made before there were several resumes on its data as it was; the others' carry their site's name.
 *
 * @param site  the site
 * @param index its position in the stack's sites, from 0
 */
public record SecondarySite(Site site, int index) {

    /** The main site's components, each the only one of its kind. */
    public static final String PRIMARY = "primary";

    public static final String MAIN_KAFKA = "kafka-" + Site.COLOGNE.siteName();
    public static final String MAIN_APP = Site.COLOGNE.siteName() + "-app";

    public SecondarySite {
        if (site.isMain()) {
            throw new IllegalArgumentException("the main site is not a secondary");
        }
        if (index < 0) {
            throw new IllegalArgumentException("index " + index + " < 0");
        }
    }

    public String name() {
        return site.siteName();
    }

    /** The streaming hot standby of the primary, read by this site's application. */
    public String replica() {
        return index == 0 ? "replica" : "replica-" + name();
    }

    /** This site's single-node Kafka cluster. */
    public String kafka() {
        return "kafka-" + name();
    }

    /**
     * MirrorMaker 2 into cologne: this site's {@code ops.commands} become {@code <site>.ops.commands} there. Named, as
     * every MirrorMaker 2 process, by its target cluster first.
     */
    public String mirrorToMain() {
        return index == 0 ? "mm2-" + Site.COLOGNE.siteName() : "mm2-" + Site.COLOGNE.siteName() + "-" + name();
    }

    /**
     * MirrorMaker 2 into this site: this site's outcomes at cologne, {@code ops.outcomes.<site>}, become
     * {@code cologne.ops.outcomes.<site>} here; no other site's.
     */
    public String mirrorFromMain() {
        return "mm2-" + name();
    }

    /** This site's application ({@code SITE_TYPE=secondary}). */
    public String app() {
        return name() + "-app";
    }

    /** Every component of this site, in start order. */
    public List<String> componentNames() {
        return List.of(replica(), kafka(), mirrorToMain(), mirrorFromMain(), app());
    }
}
