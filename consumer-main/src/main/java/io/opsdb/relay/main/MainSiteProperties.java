package io.opsdb.relay.main;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the main site's applier and outcome stream.
 *
 * @param siteName this site's name (SITE_NAME); the MirrorMaker 2 alias of its cluster
 * @param mainDb the primary (MAIN_DB_HOST, _PORT, _USER, _PASSWORD, _NAME)
 * @param retryDelay base delay of the exponential back-off after a transient apply failure
 *        (TRANSACTION_RETRY_DELAY)
 * @param retryMaxDelay longest pause between two tries of the same batch; tries never stop
 * @param heartbeatInterval how often Debezium writes a heartbeat so an idle database never stalls the slot
 * @param slotName the logical replication slot the outcome stream reads
 * @param publicationName the publication limited to the ledger and heartbeat tables
 */
@ConfigurationProperties("relay")
public record MainSiteProperties(
        @DefaultValue("institute") String siteName,
        @DefaultValue Database mainDb,
        @DefaultValue("5s") Duration retryDelay,
        @DefaultValue("60s") Duration retryMaxDelay,
        @DefaultValue("1s") Duration heartbeatInterval,
        @DefaultValue("relay_ledger_slot") String slotName,
        @DefaultValue("relay_ledger_publication") String publicationName) {

    /** Where a PostgreSQL database is and who connects to it. */
    public record Database(
            @DefaultValue("localhost") String host,
            @DefaultValue("5432") int port,
            @DefaultValue("relay") String user,
            String password,
            @DefaultValue("opsdb") String name) {

        @Override
        public String toString() {
            // Never print the password.
            return "Database[" + user + "@" + host + ":" + port + "/" + name + "]";
        }
    }
}
