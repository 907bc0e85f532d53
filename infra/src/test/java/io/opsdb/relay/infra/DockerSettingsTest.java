package io.opsdb.relay.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.app.RelayApplicationProcess;
import io.opsdb.relay.infra.kafka.KafkaBroker;
import io.opsdb.relay.infra.kafka.KafkaCluster;
import io.opsdb.relay.infra.mirror.MirrorMakerProcess;
import io.opsdb.relay.infra.postgres.PostgresReplica;
import io.opsdb.relay.infra.postgres.PostgresServer;
import io.opsdb.relay.infra.process.JavaCommand;
import io.opsdb.relay.kafka.RelayLimits;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml, infra/docker/ and the application image (relay-app/pom.xml) cannot read the launcher's code:
 * they repeat its settings by hand, and this keeps them equal to what the launcher's classes produce, key for key and
 * value for value, without Docker. So the largest transaction the API accepts also fits through the containers'
 * brokers and MirrorMaker 2, each secondary's MirrorMaker 2 runs its flows and only those, each replica keeps its
 * slot, every JVM runs as the launcher runs it, and each site starts on its own.
 */
class DockerSettingsTest {

    private static final String MAX_RECORD_BYTES = Integer.toString(RelayLimits.MAX_RECORD_BYTES);

    /**
     * What the compose file runs for each site: its services, and the other sites' are none of its business. The one
     * shared service is wan-certs, the local stand-in for each site's operator bringing its broker's key: a one-shot
     * that needs nothing and finishes in seconds.
     */
    private static final Map<String, Set<String>> SITES = Map.of(
            "cologne", Set.of("primary", "kafka-cologne", "consumer-main", "wan-certs"),
            "observatory", Set.of("replica", "kafka-observatory", "producer-secondary", "wan-certs"),
            "summit", Set.of("replica-summit", "kafka-summit", "producer-secondary-summit", "wan-certs"));

    /** A broker's addresses, listeners, log directory and JVM: what a container sets differently from a process. */
    private static final Set<String> BROKER_DEPLOYMENT_VARIABLES = Set.of(
            "KAFKA_HEAP_OPTS",
            "KAFKA_JVM_PERFORMANCE_OPTS",
            "KAFKA_CONTROLLER_QUORUM_VOTERS",
            "KAFKA_LISTENERS",
            "KAFKA_ADVERTISED_LISTENERS",
            "KAFKA_INTER_BROKER_LISTENER_NAME",
            "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
            "KAFKA_LOG_DIRS");

    /** The WAN listener's secrets: files on the wan-certs volume in compose, the stack's secrets for the launcher. */
    private static final String WAN_VARIABLES = "KAFKA_LISTENER_NAME_WAN_";

    private static final String WAN_CONFIG_PROVIDER_VARIABLES = "KAFKA_CONFIG_PROVIDERS";

    /** Where compose's MirrorMaker 2 finds the operator's truststore and wan.properties (README, Encrypted WAN). */
    private static final Path COMPOSE_WAN_SECRETS = Path.of("/etc/relay/wan");

    private static final String DB_PASSWORD = "${RELAY_DB_PASSWORD:?set it in .env (cp .env.example .env)}";

    @TempDir
    Path tempDir;

    private static Properties properties(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        return properties;
    }

    private static Map<String, String> sorted(Properties properties) {
        Map<String, String> map = new TreeMap<>();
        properties.stringPropertyNames().forEach(key -> map.put(key, properties.getProperty(key)));
        return map;
    }

    private static String compose() throws IOException {
        return Files.readString(Path.of("../docker-compose.yml"));
    }

    /** The compose file as its services see it: anchors and merge keys resolved. */
    private static Map<String, Object> composeYaml() throws IOException {
        return new Yaml().load(compose());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws IOException {
        return (Map<String, Map<String, Object>>) composeYaml().get("services");
    }

    private static Map<String, Object> service(String name) throws IOException {
        Map<String, Object> service = services().get(name);
        assertThat(service).as("service " + name).isNotNull();
        return service;
    }

    private static Map<String, String> environment(String service) throws IOException {
        Map<?, ?> environment = (Map<?, ?>) service(service).get("environment");
        Map<String, String> strings = new LinkedHashMap<>();
        environment.forEach((key, value) -> strings.put((String) key, String.valueOf(value)));
        return strings;
    }

    private static Set<String> dependencies(String service) throws IOException {
        Map<?, ?> dependsOn = (Map<?, ?>) service(service).get("depends_on");
        return dependsOn == null
                ? Set.of()
                : dependsOn.keySet().stream().map(String.class::cast).collect(Collectors.toSet());
    }

    /** {@code KAFKA_HEAP_OPTS} and {@code KAFKA_JVM_PERFORMANCE_OPTS} of a service on the apache/kafka image. */
    private static List<String> kafkaJvmOptions(String service) throws IOException {
        Map<String, String> environment = environment(service);
        return Arrays.asList(
                (environment.get("KAFKA_HEAP_OPTS") + " " + environment.get("KAFKA_JVM_PERFORMANCE_OPTS")).split(" "));
    }

    @ParameterizedTest
    @CsvSource({"mm2.properties, observatory, 0", "mm2-summit.properties, summit, 1"})
    void eachSecondarysMirrorMakerFileHoldsTheLaunchersSettings(String file, String site, int index) throws Exception {
        Path launchers = tempDir.resolve(file);
        LocalStack.mirrorMakerProperties(
                        new KafkaCluster(Site.COLOGNE.siteName(), 19092),
                        new KafkaCluster(site, 29092),
                        new SecondarySite(Site.secondary(site), index),
                        COMPOSE_WAN_SECRETS)
                .writeTo(launchers);
        Map<String, String> expected = sorted(properties(launchers));
        // The one difference: the brokers' WAN listeners on the compose network.
        expected.replaceAll((key, value) ->
                key.endsWith(".bootstrap.servers") ? "kafka-" + key.substring(0, key.indexOf('.')) + ":9094" : value);

        Map<String, String> composes = sorted(properties(Path.of("docker").resolve(file)));

        assertThat(composes).isEqualTo(expected);
        for (String cluster : new String[] {"cologne", site}) {
            assertThat(composes)
                    .as("the largest transaction, both ways")
                    .containsEntry(cluster + ".producer.max.request.size", MAX_RECORD_BYTES)
                    .containsEntry(cluster + ".consumer.max.partition.fetch.bytes", MAX_RECORD_BYTES);
        }
    }

    @ParameterizedTest
    @CsvSource({"mm2.properties, observatory, mm2-cologne", "mm2-summit.properties, summit, mm2-cologne-summit"})
    void eachSecondarysMirrorMakerDeclaresCologneAndItsSiteWithTheirTwoFlows(
            String file, String site, String intoCologne) throws Exception {
        Properties mm2 = properties(Path.of("docker").resolve(file));

        assertThat(mm2.getProperty("clusters"))
                .as("only cologne and the site: no heartbeat flows to other sites")
                .isEqualTo("cologne, " + site);
        assertThat(mm2.getProperty(site + ".bootstrap.servers")).isEqualTo("kafka-" + site + ":9094");
        assertThat(mm2.getProperty("cologne.bootstrap.servers")).isEqualTo("kafka-cologne:9094");
        for (String cluster : List.of("cologne", site)) {
            assertThat(mm2.getProperty(cluster + ".security.protocol"))
                    .as("across the WAN: TLS and SCRAM")
                    .isEqualTo("SASL_SSL");
            assertThat(mm2.getProperty(cluster + ".sasl.jaas.config"))
                    .as("the password from the operator's secrets file, never in the file")
                    .contains("password=\"${file:/etc/relay/wan/wan.properties:mirror.password}\"");
        }
        assertThat(mm2.getProperty(site + "->cologne.topics")).isEqualTo("ops\\.commands");
        assertThat(mm2.getProperty("cologne->" + site + ".topics"))
                .as("only the site's own outcomes, and the single outcome topic of before, as the launcher's flow")
                .isEqualTo(LocalStack.outcomesOf(new SecondarySite(Site.secondary(site), 0))
                        .pattern());
        // The compose services that run them, one per target cluster, named as the launcher names its processes.
        assertThat(compose())
                .contains("  " + intoCologne + ":\n")
                .contains("  mm2-" + site + ":\n")
                .contains("./infra/docker/" + file + ":/etc/mm2.properties:ro")
                .contains("grep -qx " + site + ".ops.commands")
                .contains("grep -qx cologne.ops.outcomes." + site + "\n")
                .contains(" ops.outcomes." + site + " 604800000\n")
                .contains("\"--clusters\", \"" + site + "\"]");
    }

    @ParameterizedTest
    @CsvSource({"kafka-cologne", "kafka-observatory", "kafka-summit"})
    void eachComposeBrokerHasTheLaunchersServerProperties(String broker) throws Exception {
        Map<String, String> properties = new TreeMap<>();
        environment(broker).forEach((variable, value) -> {
            if (variable.startsWith("KAFKA_")
                    && !BROKER_DEPLOYMENT_VARIABLES.contains(variable)
                    && !variable.startsWith(WAN_VARIABLES)
                    && !variable.startsWith(WAN_CONFIG_PROVIDER_VARIABLES)) {
                // The apache/kafka image's mapping: KAFKA_LOG_DIRS -> log.dirs.
                properties.put(
                        variable.substring("KAFKA_".length())
                                .toLowerCase(Locale.ROOT)
                                .replace('_', '.'),
                        value);
            }
        });

        assertThat(properties).isEqualTo(new TreeMap<>(KafkaBroker.settings()));
        assertThat(properties)
                .as("the largest transaction")
                .containsEntry("message.max.bytes", MAX_RECORD_BYTES)
                .containsEntry("replica.fetch.max.bytes", MAX_RECORD_BYTES);
    }

    @ParameterizedTest
    @CsvSource({"kafka-cologne", "kafka-observatory", "kafka-summit"})
    void eachComposeBrokerHasTheWanListenerItsMirrorMakersConnectTo(String broker) throws Exception {
        Map<String, String> environment = environment(broker);
        Map<String, String> wan = new TreeMap<>();
        environment.forEach((variable, value) -> {
            if (variable.startsWith(WAN_VARIABLES) || variable.startsWith(WAN_CONFIG_PROVIDER_VARIABLES)) {
                wan.put(brokerProperty(variable), value);
            }
        });
        String storePassword = "$${file:" + COMPOSE_WAN_SECRETS + "/wan.properties:store.password}";

        assertThat(environment.get("KAFKA_LISTENERS")).contains(KafkaBroker.WAN_LISTENER + "://0.0.0.0:9094");
        assertThat(environment.get("KAFKA_ADVERTISED_LISTENERS"))
                .contains(KafkaBroker.WAN_LISTENER + "://" + broker + ":9094");
        assertThat(environment.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"))
                .contains(KafkaBroker.WAN_LISTENER + ":SASL_SSL");
        assertThat(wan)
                .containsEntry("config.providers", "file")
                .containsEntry(
                        "config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider")
                .containsEntry("listener.name.wan.sasl.enabled.mechanisms", KafkaBroker.SCRAM_MECHANISM)
                .containsEntry(
                        "listener.name.wan.scram-sha-512.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;")
                .containsEntry("listener.name.wan.ssl.keystore.type", "PKCS12")
                .containsEntry("listener.name.wan.ssl.keystore.location", COMPOSE_WAN_SECRETS + "/" + broker + ".p12")
                .as("passwords only by reference to the wan-certs volume")
                .containsEntry("listener.name.wan.ssl.keystore.password", storePassword)
                .containsEntry("listener.name.wan.ssl.key.password", storePassword);
        assertThat(compose())
                .as("wan-certs makes this broker's key")
                .containsPattern("command: \\[\"bash\", \"/usr/local/bin/wan-certs.sh\"[^\\]]*\"" + broker + "\"");
    }

    @Test
    void wanCertsMakesKeysThatChainToItsCaForEachBrokerHostAndKeepsThemOnItsNextRun() throws Exception {
        Path secrets = tempDir.resolve("wan");
        assertThat(wanCerts(secrets, "kafka-cologne", "kafka-observatory")).contains("made the CA");
        Properties wan = properties(secrets.resolve("wan.properties"));
        char[] password = wan.getProperty("store.password").toCharArray();
        assertThat(wan.getProperty("mirror.user")).isEqualTo("mirror");
        assertThat(wan.getProperty("mirror.password")).hasSizeGreaterThanOrEqualTo(24);

        KeyStore trust = KeyStore.getInstance(secrets.resolve("truststore.p12").toFile(), password);
        X509Certificate ca = (X509Certificate) trust.getCertificate("ca");
        KeyStore cologne =
                KeyStore.getInstance(secrets.resolve("kafka-cologne.p12").toFile(), password);
        X509Certificate server = (X509Certificate) cologne.getCertificate("kafka-cologne");
        server.verify(ca.getPublicKey());
        assertThat(server.getSubjectAlternativeNames())
                .extracting(name -> (Object) name.get(1))
                .containsExactlyInAnyOrder((Object) "kafka-cologne", "localhost", "127.0.0.1");
        assertThat(cologne.getKey("kafka-cologne", password)).isNotNull();
        assertThat(Files.getPosixFilePermissions(secrets.resolve("ca.p12")))
                .as("the CA's key")
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

        byte[] before = Files.readAllBytes(secrets.resolve("kafka-cologne.p12"));
        assertThat(wanCerts(secrets, "kafka-cologne")).contains("keeping the certificates");
        assertThat(Files.readAllBytes(secrets.resolve("kafka-cologne.p12"))).isEqualTo(before);
    }

    /** infra/docker/wan-certs.sh into {@code dir}; its output (which must not hold a password). */
    private static String wanCerts(Path dir, String... hosts) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "docker/wan-certs.sh"));
        command.addAll(List.of(hosts));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("WAN_DIR", dir.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        if (Files.exists(dir.resolve("wan.properties"))) {
            for (String secret : properties(dir.resolve("wan.properties")).stringPropertyNames()) {
                if (secret.endsWith("password")) {
                    assertThat(output)
                            .doesNotContain(
                                    properties(dir.resolve("wan.properties")).getProperty(secret));
                }
            }
        }
        return output;
    }

    /** The apache/kafka image's mapping of a variable to a property: ___ is -, __ is _, _ is . (lower case). */
    private static String brokerProperty(String variable) {
        return variable.substring("KAFKA_".length())
                .toLowerCase(Locale.ROOT)
                .replace("___", "-")
                .replace("__", "\u0000")
                .replace('_', '.')
                .replace("\u0000", "_");
    }

    @Test
    void everyComposeKafkaJvmRunsAsTheLaunchersDoes() throws Exception {
        for (String broker : List.of("kafka-cologne", "kafka-observatory", "kafka-summit")) {
            assertThat(kafkaJvmOptions(broker)).as(broker).isEqualTo(JavaCommand.jvmOptions(KafkaBroker.MAX_HEAP));
        }
        for (String mirror : List.of("mm2-cologne", "mm2-observatory", "mm2-cologne-summit", "mm2-summit")) {
            assertThat(kafkaJvmOptions(mirror))
                    .as(mirror)
                    .isEqualTo(JavaCommand.jvmOptions(MirrorMakerProcess.MAX_HEAP));
        }
    }

    @Test
    void everyComposePostgresServerHasTheLaunchersSettings() throws Exception {
        Map<String, String> expected = new TreeMap<>();
        // postgresql.conf quotes a string; the command line takes it bare.
        PostgresServer.sharedSettings().forEach((name, value) -> expected.put(name, value.replace("'", "")));

        for (String server : List.of("primary", "replica", "replica-summit")) {
            List<?> command = (List<?>) service(server).get("command");
            assertThat(command.get(0)).isEqualTo("postgres");
            Map<String, String> settings = new TreeMap<>();
            for (int i = 1; i < command.size(); i += 2) {
                assertThat(command.get(i)).isEqualTo("-c");
                String[] setting = ((String) command.get(i + 1)).split("=", 2);
                settings.put(setting[0], setting[1]);
            }
            assertThat(settings).as(server).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @CsvSource({"replica, observatory, 0", "replica-summit, summit, 1"})
    void eachReplicaStreamsThroughTheSlotTheLauncherGivesIt(String replica, String site, int index) throws Exception {
        String launchers = new SecondarySite(Site.secondary(site), index).replica();

        assertThat(replica).isEqualTo(launchers);
        assertThat(environment(replica)).containsEntry("REPLICATION_SLOT", PostgresReplica.slotName(launchers));
        assertThat(Files.readString(Path.of("docker/replica-entrypoint.sh")))
                .as("the slot is made with the base backup, and written as primary_slot_name by -R")
                .contains("-R -X stream -c fast -C -S \"$REPLICATION_SLOT\"");
    }

    @Test
    void theSecondSecondaryIsAProfileWithItsOwnNameAndTheNextPortsOfTheLaunchersPattern() throws Exception {
        String compose = compose();

        assertThat(compose)
                .contains("SITE_NAME: summit")
                .contains("KAFKA_BOOTSTRAP_SERVERS: kafka-summit:9092")
                .contains("LOCAL_DB_HOST: replica-summit")
                .contains("${SUMMIT_API_PORT:-"
                        + StackPorts.defaults().secondary(1).api() + "}")
                .contains("${SUMMIT_KAFKA_PORT:-"
                        + StackPorts.defaults().secondary(1).kafka() + "}")
                .contains("${SUMMIT_REPLICA_DB_PORT:-"
                        + StackPorts.defaults().secondary(1).replicaDb() + "}");
        assertThat(compose.split("profiles: \\[summit]", -1))
                .as("every summit service is in the profile")
                .hasSize(8);
    }

    @Test
    void eachSiteWaitsOnlyForItsOwnServices() throws Exception {
        for (Map.Entry<String, Set<String>> site : SITES.entrySet()) {
            for (String service : site.getValue()) {
                assertThat(dependencies(service))
                        .as(service + " of " + site.getKey())
                        .isSubsetOf(site.getValue());
            }
        }
        assertThat(dependencies("replica"))
                .as("the replica waits for the primary in its entrypoint, and only to be cloned")
                .isEmpty();
    }

    @Test
    void everyLongRunningServiceIsRestartedAndTheOneShotsAreNot() throws Exception {
        services()
                .forEach((name, service) -> assertThat(service.get("restart"))
                        .as(name)
                        .isEqualTo(
                                name.startsWith("create-topics") || name.startsWith("wan-") ? "no" : "unless-stopped"));
    }

    @Test
    void theDatabasePasswordComesOnlyFromTheGitIgnoredEnvFile() throws Exception {
        List<String> passwords = new ArrayList<>();
        for (String name : services().keySet()) {
            Map<?, ?> environment = (Map<?, ?>) service(name).get("environment");
            if (environment != null) {
                environment.forEach((variable, value) -> {
                    if (((String) variable).endsWith("PASSWORD") && !((String) variable).startsWith(WAN_VARIABLES)) {
                        passwords.add(name + " " + variable + "=" + value);
                    }
                });
            }
        }

        assertThat(passwords)
                .hasSizeGreaterThanOrEqualTo(8)
                .allSatisfy(password -> assertThat(password).endsWith("=" + DB_PASSWORD));
        assertThat(compose()).as("no default anywhere").doesNotContain("RELAY_DB_PASSWORD:-", "RELAY_DB_PASSWORD-");
        assertThat(Files.readAllLines(Path.of("../.gitignore"))).contains(".env");
        assertThat(properties(Path.of("../.env.example")))
                .as("the variable to set, without a value")
                .containsEntry("RELAY_DB_PASSWORD", "");
    }

    @Test
    void theApplicationImageRunsTheJvmAsTheLauncherDoes() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(Path.of("../relay-app/pom.xml").toFile());
        Element jib = jibConfiguration(pom);
        List<String> jvmFlags = texts(child(child(jib, "container"), "jvmFlags"));
        Map<String, String> environment = new TreeMap<>();
        Element imageEnvironment = child(child(jib, "container"), "environment");
        for (Node node = imageEnvironment.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element variable) {
                environment.put(variable.getTagName(), variable.getTextContent());
            }
        }

        // The heap limit is the one option per site: from JAVA_TOOL_OPTIONS, which the command line would override.
        List<String> launchers = new ArrayList<>(JavaCommand.jvmOptions(LocalStack.MAIN_APP_HEAP));
        assertThat(launchers.remove("-Xmx" + LocalStack.MAIN_APP_HEAP)).isTrue();
        launchers.addAll(JavaCommand.applicationOptions());
        assertThat(jvmFlags).isEqualTo(launchers);
        assertThat(environment)
                .containsAllEntriesOf(RelayApplicationProcess.NATIVE_MEMORY)
                .containsEntry("JAVA_TOOL_OPTIONS", "-Xmx" + LocalStack.MAIN_APP_HEAP);
        String mainClass = child(child(jib, "container"), "mainClass").getTextContent();
        assertThat(Path.of("../relay-app/src/main/java", mainClass.replace('.', '/') + ".java"))
                .isRegularFile();
        assertThat(child(child(jib, "outputPaths"), "tar").getTextContent())
                .isEqualTo("${project.build.directory}/relay-app-image.tar");

        // docker-compose.yml runs that image at every site, with the site's heap limit.
        String version =
                child(child(pom.getDocumentElement(), "parent"), "version").getTextContent();
        String image = child(child(jib, "to"), "image").getTextContent().replace("${project.version}", version);
        Map<String, String> heaps = Map.of(
                "consumer-main", LocalStack.MAIN_APP_HEAP,
                "producer-secondary", LocalStack.SECONDARY_APP_HEAP,
                "producer-secondary-summit", LocalStack.SECONDARY_APP_HEAP);
        for (Map.Entry<String, String> app : heaps.entrySet()) {
            assertThat(service(app.getKey()))
                    .as(app.getKey())
                    .containsEntry("image", image)
                    .containsEntry("pull_policy", "never");
            assertThat(environment(app.getKey()))
                    .as(app.getKey())
                    .containsEntry("JAVA_TOOL_OPTIONS", "-Xmx" + app.getValue());
        }
    }

    @Test
    void eachApplicationKeepsItsStreamsStateOnANamedVolumeOfItsOwn() throws Exception {
        Set<String> volumes = ((Map<?, ?>) composeYaml().get("volumes"))
                .keySet().stream().map(String.class::cast).collect(Collectors.toSet());
        Set<String> used = new HashSet<>();
        for (String app : List.of("consumer-main", "producer-secondary", "producer-secondary-summit")) {
            String stateDir = environment(app).get("STATE_DIR");
            assertThat(stateDir).as(app).startsWith("/");
            List<?> mounts = (List<?>) service(app).get("volumes");
            List<String> state = mounts.stream()
                    .map(String.class::cast)
                    .filter(mount -> mount.endsWith(":" + stateDir))
                    .toList();
            assertThat(state).as(app).hasSize(1);
            String volume = state.get(0).substring(0, state.get(0).indexOf(':'));
            assertThat(volumes).as(app).contains(volume);
            assertThat(used.add(volume)).as(app + "'s own volume").isTrue();
        }
    }

    private static Element jibConfiguration(Document pom) {
        for (Node plugin = child(child(pom.getDocumentElement(), "build"), "plugins")
                        .getFirstChild();
                plugin != null;
                plugin = plugin.getNextSibling()) {
            if (plugin instanceof Element element
                    && child(element, "artifactId").getTextContent().equals("jib-maven-plugin")) {
                return child(element, "configuration");
            }
        }
        throw new AssertionError("relay-app/pom.xml has no jib-maven-plugin");
    }

    private static Element child(Element parent, String name) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                return element;
            }
        }
        throw new AssertionError(parent.getTagName() + " has no " + name);
    }

    private static List<String> texts(Element parent) {
        List<String> texts = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                texts.add(element.getTextContent().trim());
            }
        }
        return texts;
    }
}
