package io.opsdb.relay.infra.kafka;

import io.opsdb.relay.infra.tls.WanCertificates;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.Kafka;
import kafka.tools.StorageTool;

/**
 * The main class of a broker process: formats the KRaft storage unless it already is, then runs the broker
 * ({@code kafka.Kafka}, which stops it cleanly on SIGTERM). Formatting only when needed is what lets a killed
 * broker restart on its data.
 *
 * <p>The storage is formatted with MirrorMaker 2's SCRAM credential, so that it exists before any client connects
 * through the WAN listener. It is read from the secrets file here, not passed on the command line, so that ps does
 * not show it.
 *
 * <p>Arguments: {@code <server.properties> <cluster id> <WAN secrets file>}.
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {}

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: KafkaBrokerMain <server.properties> <cluster id> <WAN secrets file>");
            System.exit(2);
        }
        String properties = args[0];
        String clusterId = args[1];
        Properties secrets = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(args[2]))) {
            secrets.load(reader);
        } catch (IOException e) {
            System.err.println("cannot read " + args[2] + ": " + e.getMessage());
            System.exit(2);
        }
        String scram = KafkaBroker.SCRAM_MECHANISM + "=[name=" + secrets.getProperty(WanCertificates.MIRROR_USER)
                + ",password=" + secrets.getProperty(WanCertificates.MIRROR_PASSWORD) + "]";
        int formatted = StorageTool.execute(
                new String[] {
                    "format",
                    "--config",
                    properties,
                    "--cluster-id",
                    clusterId,
                    "--ignore-formatted",
                    "--add-scram",
                    scram
                },
                System.out);
        if (formatted != 0) {
            System.err.println("formatting the storage of " + properties + " failed with exit code " + formatted);
            System.exit(formatted);
        }
        Kafka.main(new String[] {properties});
    }
}
