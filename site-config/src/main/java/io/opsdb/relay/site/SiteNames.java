package io.opsdb.relay.site;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a site's name may be, the one rule for it: a site's name is its MirrorMaker 2 cluster alias and the prefix
 * of its topics mirrored to the main site ({@code <site>.ops.commands}), so it has no dots (the default replication
 * policy's separator) and nothing a topic name or an alias refuses. {@code SITE_NAME} is checked against it at
 * start-up, the main site against it before it applies a mirrored topic's commands, and the local stack's launcher
 * against it for {@code --sites}.
 */
public final class SiteNames {

    /** What {@link #isValid} allows, in words. */
    public static final String ALLOWED = "lower-case letters, digits, '-' or '_', starting with a letter, at most 63";

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");

    private SiteNames() {}

    /** True when {@code name} may name a site. */
    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * Why the main site {@code mainSite} must not apply commands that name {@code origin} as their site, in a few
     * words; empty when it may: the name must be valid and must not be the main site's own (two clusters under one
     * alias would mirror into each other's topics).
     */
    public static Optional<String> originProblem(String origin, String mainSite) {
        if (!isValid(origin)) {
            return Optional.of("'" + origin + "' is not a valid site name (" + ALLOWED + ")");
        }
        if (origin.equals(mainSite)) {
            return Optional.of("'" + origin + "' is the main site's own name");
        }
        return Optional.empty();
    }
}
