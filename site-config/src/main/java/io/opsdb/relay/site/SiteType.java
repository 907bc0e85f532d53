package io.opsdb.relay.site;

import java.util.Locale;

/** What a site is: the main site writes straight to the primary; a secondary buffers critical writes. */
public enum SiteType {
    MAIN("main"),
    SECONDARY("secondary");

    private final String value;

    SiteType(String value) {
        this.value = value;
    }

    /** The value as written in SITE_TYPE. */
    public String value() {
        return value;
    }

    static SiteType parse(String text) {
        for (SiteType type : values()) {
            if (type.value.equals(text.strip().toLowerCase(Locale.ROOT))) {
                return type;
            }
        }
        throw new IllegalArgumentException("not a site type");
    }
}
