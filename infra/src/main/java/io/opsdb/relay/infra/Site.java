package io.opsdb.relay.infra;

import io.opsdb.relay.site.SiteNames;
import java.util.Objects;
import java.util.Optional;

/**
 * A site of the local stack: the main site {@link #COLOGNE}, or a secondary. A site's name is its MirrorMaker 2
 * cluster alias, so it also prefixes its mirrored topics ({@code observatory.ops.commands} on the cologne cluster),
 * and its applications' {@code SITE_NAME}.
 *
 * @param siteName the cluster alias and {@code SITE_NAME} of the site's application
 * @param siteType the application's {@code SITE_TYPE}: {@code main} or {@code secondary}
 */
public record Site(String siteName, String siteType) {

    /** The main site, where the PostgreSQL primary and the applier live. */
    public static final Site COLOGNE = new Site("cologne", "main");

    /** The secondary site of the default stack, where writes are accepted and relayed. */
    public static final Site OBSERVATORY = new Site("observatory", "secondary");

    public Site {
        Objects.requireNonNull(siteName, "siteName");
        Objects.requireNonNull(siteType, "siteType");
    }

    /**
     * A secondary site by name.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code name}, see {@link #problem(String)}
     */
    public static Site secondary(String name) {
        problem(name).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        return new Site(name, "secondary");
    }

    /** What is wrong with {@code name} as a secondary site's name, in a few words; empty if nothing. */
    static Optional<String> problem(String name) {
        // The rule the application applies to SITE_NAME, which keeps it a valid MirrorMaker 2 alias and topic prefix.
        if (!SiteNames.isValid(name)) {
            return Optional.of("'" + name + "' is not a site name (" + SiteNames.ALLOWED + ")");
        }
        if (name.equals(COLOGNE.siteName())) {
            return Optional.of("'" + name + "' is the main site's name");
        }
        return Optional.empty();
    }

    public boolean isMain() {
        return this.equals(COLOGNE);
    }

    @Override
    public String toString() {
        return siteName;
    }
}
