package io.opsdb.relay.main;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The main site: applies the write commands mirrored from every secondary site to the primary, and
 * streams the commit LSN of each applied transaction back from the primary's WAL.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ConsumerMainApplication {

    public static void main(String[] args) {
        SpringApplication.run(ConsumerMainApplication.class, args);
    }
}
