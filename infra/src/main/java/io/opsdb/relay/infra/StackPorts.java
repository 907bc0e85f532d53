package io.opsdb.relay.infra;

import io.opsdb.relay.infra.kafka.KafkaCluster;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The TCP ports of the local stack, all on 127.0.0.1. Each of the six base ports has a default and an environment
 * variable that overrides it; a Kafka broker's controller listens on its broker port + 1, its WAN listener (SASL_SSL,
 * for other sites' clients) on its broker port + 2.
 *
 * <p>The main site has one port of each kind. The secondaries follow a pattern: the first secondary has the base ports
 * ({@code OBSERVATORY_API_PORT}, {@code OBSERVATORY_KAFKA_PORT}, {@code REPLICA_DB_PORT}: 8001, 29092, 25432), and
 * each next one the previous one's + {@value #SITE_STEP} (8011, 29102, 25442; then 8021, 29112, 25452; ...). Up to
 * ten secondaries stay within the hundred above their base, so stacks whose ports are offset by multiples of 100
 * ({@link #withOffset}) do not collide.
 */
public final class StackPorts {

    /** How far apart two consecutive secondaries' ports are. */
    public static final int SITE_STEP = 10;

    /** Every configurable port, declared once with its environment variable and default. */
    public enum Port {
        /** HTTP API of the main site's application. */
        MAIN_API("MAIN_API_PORT", 8000),
        /** HTTP API of the first secondary's application; the others' follow it {@value #SITE_STEP} apart. */
        OBSERVATORY_API("OBSERVATORY_API_PORT", 8001),
        /** Kafka listener of the cologne cluster; its controller uses the next port. */
        MAIN_KAFKA("MAIN_KAFKA_PORT", 19092),
        /** Kafka listener of the first secondary's cluster; its controller uses the next port. */
        OBSERVATORY_KAFKA("OBSERVATORY_KAFKA_PORT", 29092),
        /** PostgreSQL primary at the main site. */
        PRIMARY_DB("PRIMARY_DB_PORT", 15432),
        /** PostgreSQL hot standby of the first secondary. */
        REPLICA_DB("REPLICA_DB_PORT", 25432);

        private final String environmentVariable;
        private final int defaultPort;

        Port(String environmentVariable, int defaultPort) {
            this.environmentVariable = environmentVariable;
            this.defaultPort = defaultPort;
        }

        public String environmentVariable() {
            return environmentVariable;
        }

        public int defaultPort() {
            return defaultPort;
        }
    }

    /**
     * The ports of one secondary site.
     *
     * @param api       its application's HTTP port
     * @param kafka     its Kafka cluster's listener; the controller listens on the next port
     * @param replicaDb its replica's port
     */
    public record SecondaryPorts(int api, int kafka, int replicaDb) {

        public int kafkaController() {
            return kafka + 1;
        }

        /** The WAN listener of its Kafka cluster, SASL_SSL. */
        public int kafkaWan() {
            return kafka + KafkaCluster.WAN_PORT_STEP;
        }
    }

    private final Map<Port, Integer> ports;

    private StackPorts(Map<Port, Integer> ports) {
        this.ports = new EnumMap<>(ports);
    }

    /** The default ports. */
    public static StackPorts defaults() {
        Map<Port, Integer> ports = new EnumMap<>(Port.class);
        for (Port port : Port.values()) {
            ports.put(port, port.defaultPort());
        }
        return new StackPorts(ports);
    }

    /**
     * The default ports overridden by the environment variables that are set.
     *
     * @throws StackException naming every variable that is not a valid port, in one line
     */
    public static StackPorts fromEnvironment(Map<String, String> environment) {
        Map<Port, Integer> ports = new EnumMap<>(Port.class);
        List<String> problems = new ArrayList<>();
        for (Port port : Port.values()) {
            String value = environment.get(port.environmentVariable());
            if (value == null || value.isBlank()) {
                ports.put(port, port.defaultPort());
                continue;
            }
            try {
                ports.put(port, Integer.parseInt(value.trim()));
            } catch (NumberFormatException e) {
                problems.add(port.environmentVariable() + "='" + value + "' is not a port number");
            }
        }
        if (!problems.isEmpty()) {
            throw new StackException(String.join("; ", problems));
        }
        StackPorts result = new StackPorts(ports);
        result.validate(SiteList.DEFAULT);
        return result;
    }

    /** These ports shifted by {@code offset}, so that a second stack (tests) can run beside a first. */
    public StackPorts withOffset(int offset) {
        Map<Port, Integer> shifted = new EnumMap<>(Port.class);
        ports.forEach((port, number) -> shifted.put(port, number + offset));
        StackPorts result = new StackPorts(shifted);
        result.validate(SiteList.DEFAULT);
        return result;
    }

    /** This set with one port replaced. */
    public StackPorts with(Port port, int number) {
        Map<Port, Integer> changed = new EnumMap<>(ports);
        changed.put(port, number);
        StackPorts result = new StackPorts(changed);
        result.validate(SiteList.DEFAULT);
        return result;
    }

    public int get(Port port) {
        return ports.get(port);
    }

    public int mainApi() {
        return get(Port.MAIN_API);
    }

    /** The first secondary's API port. */
    public int observatoryApi() {
        return get(Port.OBSERVATORY_API);
    }

    public int mainKafka() {
        return get(Port.MAIN_KAFKA);
    }

    /** The KRaft controller port of the cologne cluster: its broker port + 1. */
    public int mainKafkaController() {
        return mainKafka() + 1;
    }

    /** The WAN listener (SASL_SSL) of the cologne cluster: its broker port + 2. */
    public int mainKafkaWan() {
        return mainKafka() + KafkaCluster.WAN_PORT_STEP;
    }

    /** The first secondary's Kafka port. */
    public int observatoryKafka() {
        return get(Port.OBSERVATORY_KAFKA);
    }

    public int primaryDb() {
        return get(Port.PRIMARY_DB);
    }

    /** The first secondary's replica port. */
    public int replicaDb() {
        return get(Port.REPLICA_DB);
    }

    /** The ports of the secondary at {@code index} in the stack's sites: the first one's + {@value #SITE_STEP} each. */
    public SecondaryPorts secondary(int index) {
        int shift = SITE_STEP * index;
        return new SecondaryPorts(observatoryApi() + shift, observatoryKafka() + shift, replicaDb() + shift);
    }

    public SecondaryPorts secondary(SecondarySite site) {
        return secondary(site.index());
    }

    /** {@link #claims(SiteList, boolean)} of the default stack's one secondary. */
    public List<PortClaim> claims(boolean withApplications) {
        return claims(SiteList.DEFAULT, withApplications);
    }

    /**
     * Every port a stack with {@code sites} listens on, controller ports included, with who listens there and which
     * variable moves it: the main site's port of each kind, then every secondary's.
     *
     * @param withApplications whether the application ports are included
     */
    public List<PortClaim> claims(SiteList sites, boolean withApplications) {
        List<PortClaim> claims = new ArrayList<>();
        if (withApplications) {
            claims.add(claim(mainApi(), SecondarySite.MAIN_APP, Port.MAIN_API));
            sites.secondaries()
                    .forEach(site -> claims.add(claim(secondary(site).api(), site.app(), Port.OBSERVATORY_API)));
        }
        claims.add(claim(mainKafka(), SecondarySite.MAIN_KAFKA, Port.MAIN_KAFKA));
        claims.add(claim(mainKafkaController(), SecondarySite.MAIN_KAFKA + " controller", Port.MAIN_KAFKA));
        claims.add(claim(mainKafkaWan(), SecondarySite.MAIN_KAFKA + " WAN", Port.MAIN_KAFKA));
        for (SecondarySite site : sites.secondaries()) {
            claims.add(claim(secondary(site).kafka(), site.kafka(), Port.OBSERVATORY_KAFKA));
            claims.add(claim(secondary(site).kafkaController(), site.kafka() + " controller", Port.OBSERVATORY_KAFKA));
            claims.add(claim(secondary(site).kafkaWan(), site.kafka() + " WAN", Port.OBSERVATORY_KAFKA));
        }
        claims.add(claim(primaryDb(), SecondarySite.PRIMARY, Port.PRIMARY_DB));
        sites.secondaries()
                .forEach(site -> claims.add(claim(secondary(site).replicaDb(), site.replica(), Port.REPLICA_DB)));
        return claims;
    }

    /** The claims of {@code sites}' components only, applications included. */
    public List<PortClaim> claims(List<SecondarySite> sites) {
        List<PortClaim> claims = new ArrayList<>();
        for (SecondarySite site : sites) {
            SecondaryPorts ports = secondary(site);
            claims.add(claim(ports.api(), site.app(), Port.OBSERVATORY_API));
            claims.add(claim(ports.kafka(), site.kafka(), Port.OBSERVATORY_KAFKA));
            claims.add(claim(ports.kafkaController(), site.kafka() + " controller", Port.OBSERVATORY_KAFKA));
            claims.add(claim(ports.kafkaWan(), site.kafka() + " WAN", Port.OBSERVATORY_KAFKA));
            claims.add(claim(ports.replicaDb(), site.replica(), Port.REPLICA_DB));
        }
        return claims;
    }

    private static PortClaim claim(int port, String owner, Port variable) {
        return new PortClaim(port, owner, variable.environmentVariable());
    }

    /**
     * Checks the ports of a stack with {@code sites}: every problem at once, cross-port ones included (a controller
     * port, kafka + 1, a WAN port, kafka + 2, or a later secondary's port may collide with another).
     *
     * @throws StackException naming every port out of range and every port two components would share, in one line
     */
    public void validate(SiteList sites) {
        List<String> problems = new ArrayList<>();
        List<PortClaim> claims = claims(sites, true);
        for (PortClaim claim : claims) {
            if (claim.port() < 1 || claim.port() > 65535) {
                problems.add("port " + claim.port() + " (" + claim.owner() + ") is out of range: set "
                        + claim.environmentVariable());
            }
        }
        for (int i = 0; i < claims.size(); i++) {
            for (int j = i + 1; j < claims.size(); j++) {
                if (claims.get(i).port() == claims.get(j).port()) {
                    problems.add("port " + claims.get(i).port() + " is used by both "
                            + claims.get(i).owner() + " and " + claims.get(j).owner());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new StackException(String.join("; ", problems));
        }
    }

    @Override
    public String toString() {
        return ports.toString();
    }
}
