package io.opsdb.relay.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackManifestTest {

    @TempDir
    Path workDir;

    @Test
    void keepsThePortsAndTheSitesInTheirOrder() {
        StackManifest written = new StackManifest(
                Instant.parse("2026-11-30T10:00:00Z"),
                StackPorts.defaults().withOffset(700),
                SiteList.parse("observatory,summit,lab"));

        written.writeTo(workDir);

        StackManifest read = StackManifest.read(workDir).orElseThrow();
        assertThat(read.created()).isEqualTo(written.created());
        assertThat(read.sites().names()).containsExactly("observatory", "summit", "lab");
        assertThat(read.portChanges(StackPorts.defaults().withOffset(700))).isEmpty();
    }

    @Test
    void aStackMadeBeforeThereWereSitesHasTheObservatory() throws IOException {
        // What stack.properties held before it named the sites.
        Files.writeString(workDir.resolve(StackManifest.FILE_NAME), """
                created=2026-11-29T18\\:00\\:00Z
                MAIN_API_PORT=8000
                OBSERVATORY_API_PORT=8001
                MAIN_KAFKA_PORT=19092
                OBSERVATORY_KAFKA_PORT=29092
                PRIMARY_DB_PORT=15432
                REPLICA_DB_PORT=25432
                """);

        StackManifest read = StackManifest.read(workDir).orElseThrow();

        assertThat(read.sites()).isEqualTo(SiteList.DEFAULT);
        assertThat(read.portChanges(StackPorts.defaults())).isEmpty();
    }

    @Test
    void addedSitesAreWrittenAfterTheOthers() {
        StackManifest made = new StackManifest(Instant.now(), StackPorts.defaults());

        made.withSites(made.sites().extendedBy(SiteList.parse("summit,observatory")))
                .writeTo(workDir);

        assertThat(StackManifest.read(workDir).orElseThrow().sites().names()).containsExactly("observatory", "summit");
    }

    @Test
    void aManifestWithABadSiteIsDamaged() throws IOException {
        new StackManifest(Instant.now(), StackPorts.defaults()).writeTo(workDir);
        Files.writeString(
                workDir.resolve(StackManifest.FILE_NAME), "SITES=observatory,cologne\n", StandardOpenOption.APPEND);

        assertThatThrownBy(() -> StackManifest.read(workDir))
                .isInstanceOf(StackException.class)
                .hasMessageContaining("is damaged")
                .hasMessageContaining("'cologne' is the main site's name");
    }
}
