package io.opsdb.relay.infra.kafka;

import kafka.Kafka;
import kafka.tools.StorageTool;

/**
 * The main class of a broker process: formats the KRaft storage unless it already is, then runs the broker
 * ({@code kafka.Kafka}, which stops it cleanly on SIGTERM). Formatting only when needed is what lets a killed
 * broker restart on its data.
 *
 * <p>Arguments: {@code <server.properties> <cluster id>}.
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {}

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: KafkaBrokerMain <server.properties> <cluster id>");
            System.exit(2);
        }
        String properties = args[0];
        String clusterId = args[1];
        int formatted = StorageTool.execute(
                new String[] {"format", "--config", properties, "--cluster-id", clusterId, "--ignore-formatted"},
                System.out);
        if (formatted != 0) {
            System.err.println("formatting the storage of " + properties + " failed with exit code " + formatted);
            System.exit(formatted);
        }
        Kafka.main(new String[] {properties});
    }
}
