package io.opsdb.relay.secondary;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * A secondary site: accepts critical writes at once by buffering them as commands in the local Kafka
 * cluster, follows their outcomes from the main site, and serves reads from the local replica merged
 * with what is still in flight.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SecondaryApplication {

    public static void main(String[] args) {
        SpringApplication.run(SecondaryApplication.class, args);
    }
}
