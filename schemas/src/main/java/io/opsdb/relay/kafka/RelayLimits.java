package io.opsdb.relay.kafka;

/**
 * How large one transaction may be, defined once. The API refuses anything larger (413) before it is produced, and
 * every size on the way derives from it, so whatever the API acknowledges fits through every hop (I9): the request
 * body, the site's producer and {@code ops.commands}, the brokers, MirrorMaker 2's consumers and producers, the
 * mirrored topic, the applier, and the secondary's transaction state stores with their changelogs.
 */
public final class RelayLimits {

    /**
     * The largest transaction, in bytes: as an HTTP request body, and encoded as the one {@code WriteCommand} record
     * it travels as. A bulk of 10,000 files with sha256 checksums and realistic paths is about 2.5 MB.
     */
    public static final int MAX_COMMAND_BYTES = 8 * 1024 * 1024;

    /**
     * Room a Kafka record needs beyond the command it carries: a tracked transaction's state, times and error text
     * in a state store, headers, and the record batch's framing.
     */
    public static final int RECORD_OVERHEAD_BYTES = 1024 * 1024;

    /**
     * The largest Kafka record the relay writes or reads, in bytes: producers' {@code max.request.size}, brokers'
     * {@code message.max.bytes}, topics' {@code max.message.bytes}, consumers' {@code max.partition.fetch.bytes}.
     */
    public static final int MAX_RECORD_BYTES = MAX_COMMAND_BYTES + RECORD_OVERHEAD_BYTES;

    private RelayLimits() {}
}
