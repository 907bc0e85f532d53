package io.opsdb.relay.infra;

/**
 * The two sites of the local stack. Their names are the MirrorMaker 2 cluster aliases, so they also prefix
 * mirrored topics ({@code observatory.ops.commands} on the cologne cluster).
 */
public enum Site {

    /** The main site, where the PostgreSQL primary and the consumer application live. */
    COLOGNE("cologne", "main"),

    /** The secondary site, where writes are accepted and relayed. */
    OBSERVATORY("observatory", "secondary");

    private final String siteName;
    private final String siteType;

    Site(String siteName, String siteType) {
        this.siteName = siteName;
        this.siteType = siteType;
    }

    /** The cluster alias and {@code SITE_NAME} of the applications. */
    public String siteName() {
        return siteName;
    }

    /** The applications' {@code SITE_TYPE}. */
    public String siteType() {
        return siteType;
    }
}
