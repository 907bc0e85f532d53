package io.opsdb.relay.site;

import java.util.Locale;

/**
 * What "acknowledged" means for a write a secondary buffers in its single-broker cluster, which has no replica
 * to fall back on: the broker answers the produce only after an fsync of the partition, or as soon as the record
 * is in its page cache.
 */
public enum BufferDurability {
    /** On disk before the client's 201: survives a power loss or a kernel crash. */
    FSYNC("fsync"),
    /** In the broker's page cache before the client's 201: survives a crash of the broker, not of the machine. */
    PAGE_CACHE("page-cache");

    private final String value;

    BufferDurability(String value) {
        this.value = value;
    }

    /** The value as written in BUFFER_DURABILITY. */
    public String value() {
        return value;
    }

    static BufferDurability parse(String text) {
        for (BufferDurability durability : values()) {
            if (durability.value.equals(text.strip().toLowerCase(Locale.ROOT))) {
                return durability;
            }
        }
        throw new IllegalArgumentException("not a buffer durability");
    }
}
