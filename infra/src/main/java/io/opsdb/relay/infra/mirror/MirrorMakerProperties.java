package io.opsdb.relay.infra.mirror;

import io.opsdb.relay.infra.kafka.KafkaBroker;
import io.opsdb.relay.infra.kafka.KafkaCluster;
import io.opsdb.relay.infra.tls.WanCertificates;
import io.opsdb.relay.kafka.RelayLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code mm2.properties} a secondary site's two MirrorMaker 2 processes share. It declares cologne's cluster and
 * the site's, and both flows between them; each process runs only the flow into the cluster named by its
 * {@code --clusters} argument. Each secondary has a file of its own: a file declaring a third cluster would make each
 * process also run heartbeat flows from that cluster (MirrorMaker 2 runs them for every pair of clusters), tying one
 * site's mirroring to another site's cluster.
 */
public final class MirrorMakerProperties {

    // Every plugin on the classpath has a ServiceLoader manifest; the default reflective scan of the whole
    // classpath costs 3-6 s per start on two cores.
    private static final String PLUGIN_DISCOVERY = "plugin.discovery";
    private static final String SERVICE_LOAD = "service_load";

    private static final String FILE_PROVIDER = "file";

    private final Map<String, String> properties = new LinkedHashMap<>();
    private final List<String> aliases = new ArrayList<>();
    private final Path tlsDirectory;

    /**
     * The settings of a pair of single-broker clusters; add the clusters and flows next.
     *
     * @param tlsDirectory where the truststore and the secrets file ({@link WanCertificates}) are, as MirrorMaker 2
     *                     sees it: the passwords are read from there when it starts, never written here
     */
    public MirrorMakerProperties(Path tlsDirectory) {
        this.tlsDirectory = tlsDirectory;
        // Kafka's FileConfigProvider resolves ${file:<path>:<key>} when MirrorMaker 2 starts.
        properties.put("config.providers", FILE_PROVIDER);
        properties.put(
                "config.providers." + FILE_PROVIDER + ".class",
                "org.apache.kafka.common.config.provider.FileConfigProvider");
        // Single-broker clusters: every topic MirrorMaker creates, internal or mirrored, has one replica.
        properties.put("replication.factor", "1");
        properties.put("checkpoints.topic.replication.factor", "1");
        properties.put("heartbeats.topic.replication.factor", "1");
        properties.put("offset-syncs.topic.replication.factor", "1");
        properties.put("offset.storage.replication.factor", "1");
        properties.put("status.storage.replication.factor", "1");
        properties.put("config.storage.replication.factor", "1");
        // One worker per flow: its internal topics need no more partitions (the defaults, 25 and 5, slow start-up).
        properties.put("offset.storage.partitions", "1");
        properties.put("status.storage.partitions", "1");
        // A topic created after start would otherwise be mirrored only after the default 600 s.
        properties.put("refresh.topics.interval.seconds", "5");
        properties.put("sync.topic.acls.enabled", "false");
        properties.put(PLUGIN_DISCOVERY, SERVICE_LOAD);
    }

    /**
     * Declares a cluster, reached through its WAN listener: TLS (the CA in the truststore, the host name verified) and
     * SCRAM-SHA-512. Its producer sends at once (Kafka 4 lingers 5 ms by default, a relay pays it per hop).
     */
    public MirrorMakerProperties cluster(KafkaCluster cluster) {
        aliases.add(cluster.alias());
        properties.put(cluster.alias() + ".bootstrap.servers", cluster.wanBootstrapServers());
        // Both processes of a site share the file, each connects to both clusters, and one of them is across the WAN
        // for each: every connection goes through the WAN listener.
        properties.put(cluster.alias() + ".security.protocol", "SASL_SSL");
        properties.put(cluster.alias() + ".sasl.mechanism", KafkaBroker.SCRAM_MECHANISM);
        properties.put(
                cluster.alias() + ".sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + secret(WanCertificates.MIRROR_USER) + "\" password=\""
                        + secret(WanCertificates.MIRROR_PASSWORD) + "\";");
        properties.put(cluster.alias() + ".ssl.truststore.type", "PKCS12");
        properties.put(
                cluster.alias() + ".ssl.truststore.location",
                tlsDirectory.resolve("truststore.p12").toString());
        properties.put(cluster.alias() + ".ssl.truststore.password", secret(WanCertificates.STORE_PASSWORD));
        properties.put(cluster.alias() + ".producer.linger.ms", "0");
        // A command is one record, up to the size the brokers accept (RelayLimits): read and written whole.
        properties.put(cluster.alias() + ".producer.max.request.size", Integer.toString(RelayLimits.MAX_RECORD_BYTES));
        properties.put(
                cluster.alias() + ".consumer.max.partition.fetch.bytes",
                Integer.toString(RelayLimits.MAX_RECORD_BYTES));
        // Each flow's worker reads its settings from its target cluster's prefix, not from the top level.
        properties.put(cluster.alias() + "." + PLUGIN_DISCOVERY, SERVICE_LOAD);
        return this;
    }

    private String secret(String key) {
        return "${" + FILE_PROVIDER + ":" + tlsDirectory.resolve(WanCertificates.SECRETS_FILE) + ":" + key + "}";
    }

    /** Enables the flow {@code source->target} for the topics matching {@code topics}. */
    public MirrorMakerProperties flow(KafkaCluster source, KafkaCluster target, Pattern topics) {
        String flow = source.alias() + "->" + target.alias();
        properties.put(flow + ".enabled", "true");
        properties.put(flow + ".topics", topics.pattern());
        return this;
    }

    public void writeTo(Path file) {
        StringBuilder text = new StringBuilder("clusters=")
                .append(String.join(", ", aliases))
                .append('\n');
        // Properties syntax: a backslash (as in the topic regex ops\.commands) must be doubled.
        properties.forEach((key, value) ->
                text.append(key).append('=').append(value.replace("\\", "\\\\")).append('\n'));
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
