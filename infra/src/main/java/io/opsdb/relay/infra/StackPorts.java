package io.opsdb.relay.infra;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The TCP ports of the local stack, all on 127.0.0.1. Each has a default and an environment variable that
 * overrides it; a Kafka broker's controller listens on its broker port + 1.
 */
public final class StackPorts {

    /** Every configurable port, declared once with its environment variable, default and owner. */
    public enum Port {
        /** HTTP API of the main site's application. */
        MAIN_API("MAIN_API_PORT", 8000, "cologne-app"),
        /** HTTP API of the observatory's application. */
        OBSERVATORY_API("OBSERVATORY_API_PORT", 8001, "observatory-app"),
        /** Kafka listener of the cologne cluster; its controller uses the next port. */
        MAIN_KAFKA("MAIN_KAFKA_PORT", 19092, "kafka-cologne"),
        /** Kafka listener of the observatory cluster; its controller uses the next port. */
        OBSERVATORY_KAFKA("OBSERVATORY_KAFKA_PORT", 29092, "kafka-observatory"),
        /** PostgreSQL primary at the main site. */
        PRIMARY_DB("PRIMARY_DB_PORT", 15432, "primary"),
        /** PostgreSQL hot standby at the observatory. */
        REPLICA_DB("REPLICA_DB_PORT", 25432, "replica");

        private final String environmentVariable;
        private final int defaultPort;
        private final String owner;

        Port(String environmentVariable, int defaultPort, String owner) {
            this.environmentVariable = environmentVariable;
            this.defaultPort = defaultPort;
            this.owner = owner;
        }

        public String environmentVariable() {
            return environmentVariable;
        }

        public int defaultPort() {
            return defaultPort;
        }

        /** The name of the component that listens on this port. */
        public String owner() {
            return owner;
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
        result.validate();
        return result;
    }

    /** These ports shifted by {@code offset}, so that a second stack (tests) can run beside a first. */
    public StackPorts withOffset(int offset) {
        Map<Port, Integer> shifted = new EnumMap<>(Port.class);
        ports.forEach((port, number) -> shifted.put(port, number + offset));
        StackPorts result = new StackPorts(shifted);
        result.validate();
        return result;
    }

    /** This set with one port replaced. */
    public StackPorts with(Port port, int number) {
        Map<Port, Integer> changed = new EnumMap<>(ports);
        changed.put(port, number);
        StackPorts result = new StackPorts(changed);
        result.validate();
        return result;
    }

    public int get(Port port) {
        return ports.get(port);
    }

    public int mainApi() {
        return get(Port.MAIN_API);
    }

    public int observatoryApi() {
        return get(Port.OBSERVATORY_API);
    }

    public int mainKafka() {
        return get(Port.MAIN_KAFKA);
    }

    public int observatoryKafka() {
        return get(Port.OBSERVATORY_KAFKA);
    }

    public int primaryDb() {
        return get(Port.PRIMARY_DB);
    }

    public int replicaDb() {
        return get(Port.REPLICA_DB);
    }

    /** The Kafka listener port of a site's cluster. */
    public int kafka(Site site) {
        return site == Site.COLOGNE ? mainKafka() : observatoryKafka();
    }

    /** The KRaft controller port of a site's cluster: the broker port + 1. */
    public int kafkaController(Site site) {
        return kafka(site) + 1;
    }

    /**
     * Every port the stack listens on, controller ports included, with who listens there and which variable
     * moves it.
     *
     * @param withApplications whether the application ports are included
     */
    public List<PortClaim> claims(boolean withApplications) {
        List<PortClaim> claims = new ArrayList<>();
        for (Port port : Port.values()) {
            if (!withApplications && (port == Port.MAIN_API || port == Port.OBSERVATORY_API)) {
                continue;
            }
            claims.add(new PortClaim(get(port), port.owner(), port.environmentVariable()));
            if (port == Port.MAIN_KAFKA || port == Port.OBSERVATORY_KAFKA) {
                claims.add(new PortClaim(get(port) + 1, port.owner() + " controller", port.environmentVariable()));
            }
        }
        return claims;
    }

    // Every problem at once, cross-port ones included: a controller port (kafka + 1) may collide with another.
    private void validate() {
        List<String> problems = new ArrayList<>();
        List<PortClaim> claims = claims(true);
        for (PortClaim claim : claims) {
            if (claim.port() < 1 || claim.port() > 65535) {
                problems.add("port " + claim.port() + " (" + claim.owner() + ") is out of range: set "
                        + claim.environmentVariable());
            }
        }
        for (int i = 0; i < claims.size(); i++) {
            for (int j = i + 1; j < claims.size(); j++) {
                if (claims.get(i).port() == claims.get(j).port()) {
                    problems.add("port " + claims.get(i).port() + " is used by both " + claims.get(i).owner()
                            + " and " + claims.get(j).owner());
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
