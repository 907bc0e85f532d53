package io.opsdb.relay.infra.kafka;

import io.opsdb.relay.infra.StackException;
import io.opsdb.relay.infra.process.JavaCommand;
import io.opsdb.relay.infra.process.JvmProcessComponent;
import io.opsdb.relay.infra.process.WorkDirectory;
import io.opsdb.relay.infra.tls.WanCertificates;
import io.opsdb.relay.kafka.RelayLimits;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft cluster (combined broker and controller) as its own JVM, data under
 * {@code <workdir>/<name>/}. The storage is formatted on first start only, with a new cluster id; later starts keep
 * the id it was formatted with (its {@code meta.properties}), so a restart keeps every topic, offset and id.
 *
 * <p>Two client listeners: {@code PLAINTEXT} on the cluster's port for its own site's clients, and {@value
 * #WAN_LISTENER} ({@code SASL_SSL}, SCRAM-SHA-512, a certificate the stack's CA signed) on {@link
 * KafkaCluster#wanPort()} for other sites' clients, MirrorMaker 2. Its SCRAM credential is formatted into the storage.
 */
public final class KafkaBroker extends JvmProcessComponent {

    // A few seconds on an idle machine; 60-80 s were measured while a stack of several sites started its JVMs beside
    // other stacks on two cores.
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final String META_PROPERTIES = "meta.properties";

    /** The broker JVM's {@code -Xmx}. */
    public static final String MAX_HEAP = "256m";

    /** The name of the listener for other sites' clients: SASL_SSL. */
    public static final String WAN_LISTENER = "WAN";
    /** The one SASL mechanism of the WAN listener. */
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

    private final KafkaCluster cluster;
    private final int controllerPort;
    private final WanCertificates certificates;
    private final String newClusterId = Uuid.randomUuid().toString();

    /**
     * @param certificates the stack's CA and secrets: the WAN listener's keystore, and the SCRAM credential the storage
     *                     is formatted with
     */
    public KafkaBroker(
            String name,
            KafkaCluster cluster,
            int controllerPort,
            WanCertificates certificates,
            WorkDirectory workDir,
            JavaCommand java) {
        super(name, START_TIMEOUT, workDir, java);
        this.cluster = cluster;
        this.controllerPort = controllerPort;
        this.certificates = certificates;
    }

    public KafkaCluster cluster() {
        return cluster;
    }

    private Path propertiesFile() {
        return workDir.data(name()).resolve("server.properties");
    }

    private Path logDir() {
        return workDir.data(name()).resolve("data");
    }

    /** Whether the log directory is formatted: {@code StorageTool} writes {@code meta.properties} last. */
    @Override
    public boolean isInitialized() {
        return Files.isRegularFile(logDir().resolve(META_PROPERTIES));
    }

    @Override
    public boolean hasData() {
        return Files.exists(workDir.data(name()));
    }

    @Override
    public synchronized void deleteData() {
        if (isRunning()) {
            throw new IllegalStateException(name() + " runs: stop it before deleting its data");
        }
        WorkDirectory.deleteRecursively(workDir.data(name()));
    }

    /**
     * The KRaft cluster id: the one the log directory was formatted with, or a new one for the first start. A
     * formatted directory is never formatted again (see {@link KafkaBrokerMain}).
     */
    public String clusterId() {
        if (!isInitialized()) {
            return newClusterId;
        }
        Properties meta = new Properties();
        try (Reader reader = Files.newBufferedReader(logDir().resolve(META_PROPERTIES))) {
            meta.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String id = meta.getProperty("cluster.id");
        if (id == null || id.isBlank()) {
            throw new StackException(logDir().resolve(META_PROPERTIES)
                    + " has no cluster.id: run 'bin/relay reset --yes'" + " to start afresh");
        }
        return id;
    }

    @Override
    protected void beforeStart() {
        Path file = propertiesFile();
        if (Files.exists(file)) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            // It holds the keystore's password: readable by its owner only.
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(
                    file,
                    serverProperties().entrySet().stream()
                            .map(entry -> entry.getKey() + "=" + entry.getValue())
                            .collect(Collectors.joining("\n", "", "\n")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, String> serverProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        // PLAINTEXT for the site's own clients (the LAN), WAN for other sites' (MirrorMaker 2): TLS and SCRAM.
        properties.put(
                "listeners",
                "PLAINTEXT://127.0.0.1:" + cluster.port() + ",CONTROLLER://127.0.0.1:" + controllerPort + ","
                        + WAN_LISTENER + "://127.0.0.1:" + cluster.wanPort());
        properties.put(
                "advertised.listeners",
                "PLAINTEXT://127.0.0.1:" + cluster.port() + "," + WAN_LISTENER + "://127.0.0.1:" + cluster.wanPort());
        properties.put("inter.broker.listener.name", "PLAINTEXT");
        properties.put(
                "listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT," + WAN_LISTENER + ":SASL_SSL");
        String wan = "listener.name." + WAN_LISTENER.toLowerCase(Locale.ROOT) + ".";
        properties.put(wan + "sasl.enabled.mechanisms", SCRAM_MECHANISM);
        // The broker side of SCRAM needs a login module but no credentials of its own: no broker connects through WAN.
        properties.put(
                wan + SCRAM_MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        properties.put(wan + "ssl.keystore.type", "PKCS12");
        properties.put(
                wan + "ssl.keystore.location", certificates.keystore(name()).toString());
        properties.put(wan + "ssl.keystore.password", certificates.storePassword());
        properties.put(wan + "ssl.key.password", certificates.storePassword());
        properties.put("log.dirs", logDir().toString());
        properties.putAll(settings());
        return properties;
    }

    /**
     * The server properties of every broker of the stack beyond its addresses, listeners and log directory: also those
     * of docker-compose.yml's brokers (checked by DockerSettingsTest).
     */
    public static Map<String, String> settings() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("process.roles", "broker,controller");
        properties.put("node.id", "1");
        properties.put("controller.listener.names", "CONTROLLER");
        // One broker: every internal topic has a single replica.
        properties.put("offsets.topic.replication.factor", "1");
        properties.put("transaction.state.log.replication.factor", "1");
        properties.put("transaction.state.log.min.isr", "1");
        properties.put("share.coordinator.state.topic.replication.factor", "1");
        properties.put("share.coordinator.state.topic.min.isr", "1");
        properties.put("default.replication.factor", "1");
        properties.put("min.insync.replicas", "1");
        // Fewer internal partitions than the default 50: each costs start-up time on a two-core machine.
        properties.put("offsets.topic.num.partitions", "5");
        properties.put("transaction.state.log.num.partitions", "5");
        properties.put("num.partitions", "1");
        properties.put("auto.create.topics.enable", "false");
        // One transaction is one record: the largest the API accepts must fit, on every topic (RelayLimits).
        properties.put("message.max.bytes", Integer.toString(RelayLimits.MAX_RECORD_BYTES));
        // A follower would otherwise fetch at most 1 MiB at a time: set it as high, for clusters with replicas.
        properties.put("replica.fetch.max.bytes", Integer.toString(RelayLimits.MAX_RECORD_BYTES));
        // A consumer group starts consuming at once instead of waiting 3 s for more members.
        properties.put("group.initial.rebalance.delay.ms", "0");
        // A broker killed with SIGKILL cannot register again until its old registration's session expired
        // (DUPLICATE_BROKER_REGISTRATION), which argues for a short session. But a session that expires fences the
        // broker from its own controller, and on one node that takes every partition offline: with 4 s, a machine
        // at load 40 had controller events take 2.5 s, the broker fenced, a Streams commit time out, and the
        // observatory's state processor restore a million transactions from its changelogs. 10 s (Kafka's default
        // is 9 s) rides that out and costs a killed broker's restart a few seconds.
        properties.put("broker.session.timeout.ms", "10000");
        properties.put("broker.heartbeat.interval.ms", "500");
        // The default 128 MiB cleaner buffer would dwarf the broker's heap.
        properties.put("log.cleaner.dedupe.buffer.size", "4194304");
        return properties;
    }

    @Override
    protected List<String> command() {
        return java.mainClass(
                MAX_HEAP,
                KafkaBrokerMain.class.getName(),
                List.of(
                        propertiesFile().toString(),
                        clusterId(),
                        certificates.secretsFile().toString()));
    }

    @Override
    protected boolean isReady() throws Exception {
        return cluster.isAvailable();
    }

    @Override
    protected String readiness() {
        return name() + " answered on " + cluster.bootstrapServers();
    }
}
