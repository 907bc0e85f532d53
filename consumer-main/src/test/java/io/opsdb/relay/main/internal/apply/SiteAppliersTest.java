package io.opsdb.relay.main.internal.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.opsdb.relay.role.OriginSiteFigures;
import io.opsdb.relay.role.OriginSiteFigures.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.util.backoff.BackOffExecution;

class SiteAppliersTest {

    /** The main cluster's topics and waiting counts as the test sets them. */
    private final Set<String> topics =
            new LinkedHashSet<>(List.of("ops.commands", "ops.outcomes", "mm2-offsets.cologne.internal"));

    private final Map<String, Long> waiting = new HashMap<>();
    private boolean clusterDown;

    /** The appliers started, in order, and those that run. */
    private final List<String> launched = new ArrayList<>();

    private final Set<String> running = new LinkedHashSet<>();
    private final Set<String> failingToLaunch = new LinkedHashSet<>();
    private final List<String> told = new ArrayList<>();
    private final Map<String, PausingBackOff> backOffs = new HashMap<>();
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-30T01:00:00Z"), ZoneOffset.UTC);

    private final SiteAppliers appliers = new SiteAppliers(
            "cologne",
            new SiteAppliers.Cluster() {
                @Override
                public Set<String> topics() {
                    if (clusterDown) {
                        throw new IllegalStateException("cluster unreachable");
                    }
                    return Set.copyOf(topics);
                }

                @Override
                public Map<String, Long> waiting(List<SiteAppliers.OriginSite> sites) {
                    return Map.copyOf(waiting);
                }
            },
            new SiteAppliers.Launcher() {
                @Override
                public void launch(SiteAppliers.OriginSite site) {
                    if (failingToLaunch.contains(site.name())) {
                        throw new IllegalStateException("group coordinator not available");
                    }
                    launched.add(site.containerId() + " in " + site.groupId());
                    running.add(site.name());
                }

                @Override
                public boolean isRunning(SiteAppliers.OriginSite site) {
                    return running.contains(site.name());
                }
            },
            site -> backOffs.computeIfAbsent(
                    site,
                    name -> new PausingBackOff(
                            "applier of " + name, 1, Duration.ZERO, Duration.ZERO, Duration.ofMinutes(1), clock)),
            new ApplyListener() {
                @Override
                public void originSiteFound(String site) {
                    told.add(site);
                }
            });

    @Test
    void eachSitesCommandsGetAnApplierOfTheirOwnOnceAndNewSitesAreFoundLater() {
        topics.addAll(List.of("observatory.ops.commands", "summit.ops.commands", "cologne.ops.outcomes"));

        appliers.discover();
        appliers.discover();

        assertThat(launched)
                .containsExactly(
                        "command-applier-observatory in relay-applier-observatory",
                        "command-applier-summit in relay-applier-summit");

        topics.add("lab.ops.commands");
        appliers.discover();

        assertThat(launched).hasSize(3).last().isEqualTo("command-applier-lab in relay-applier-lab");
        assertThat(told).containsExactly("observatory", "summit", "lab");
        assertThat(appliers.sites())
                .extracting(SiteAppliers.OriginSite::name)
                .containsExactly("lab", "observatory", "summit");
        assertThat(appliers.hasAppliedSites()).isTrue();
    }

    @Test
    void aSiteNamedAsTheMainSiteOrNotAValidAliasIsRefusedAndCountedNeverApplied() {
        topics.addAll(
                List.of("observatory.ops.commands", "cologne.ops.commands", "Lab.ops.commands", "a.b.ops.commands"));
        waiting.putAll(Map.of("cologne.ops.commands", 7L, "observatory.ops.commands", 2L));

        appliers.discover();

        assertThat(launched).containsExactly("command-applier-observatory in relay-applier-observatory");
        assertThat(appliers.figures())
                .containsExactly(
                        new OriginSiteFigures(
                                "Lab",
                                State.REFUSED,
                                null,
                                "'Lab' is not a valid site name (lower-case letters, digits, '-' or '_', starting with a letter, at most 63)"),
                        new OriginSiteFigures(
                                "a.b",
                                State.REFUSED,
                                null,
                                "'a.b' is not a valid site name (lower-case letters, digits, '-' or '_', starting with a letter, at most 63)"),
                        new OriginSiteFigures("cologne", State.REFUSED, 7L, "'cologne' is the main site's own name"),
                        new OriginSiteFigures("observatory", State.APPLYING, 2L, null));
        assertThat(told).containsExactlyInAnyOrder("observatory", "cologne", "Lab", "a.b");
    }

    @Test
    void oneSitesPauseOrStoppedApplierIsThatSitesAlone() {
        topics.addAll(List.of("observatory.ops.commands", "summit.ops.commands"));
        appliers.discover();
        appliers.start();
        try {
            assertThat(appliers.allRunning()).isTrue();

            // Summit's batch failed once and once more: its one retry is spent, it pauses.
            BackOffExecution summitTries = backOffs.get("summit").start();
            summitTries.nextBackOff();
            summitTries.nextBackOff();

            assertThat(appliers.anyPaused()).isTrue();
            assertThat(appliers.figures())
                    .extracting(OriginSiteFigures::site, OriginSiteFigures::state)
                    .containsExactly(tuple("observatory", State.APPLYING), tuple("summit", State.PAUSED));

            running.remove("observatory");

            assertThat(appliers.allRunning()).isFalse();
            assertThat(appliers.figures())
                    .extracting(OriginSiteFigures::state)
                    .containsExactly(State.STOPPED, State.PAUSED);
        } finally {
            appliers.stop();
        }
    }

    @Test
    void anApplierThatCouldNotStartIsStartedAgainAtTheNextPass() {
        topics.addAll(List.of("observatory.ops.commands", "summit.ops.commands"));
        failingToLaunch.add("summit");

        appliers.discover();

        assertThat(launched).containsExactly("command-applier-observatory in relay-applier-observatory");
        assertThat(appliers.figures())
                .extracting(OriginSiteFigures::state)
                .containsExactly(State.APPLYING, State.STOPPED);

        failingToLaunch.clear();
        appliers.discover();

        assertThat(launched).hasSize(2).last().isEqualTo("command-applier-summit in relay-applier-summit");
    }

    @Test
    void aClusterThatDoesNotAnswerIsReportedAndChangesNothing() {
        topics.add("observatory.ops.commands");
        appliers.discover();
        assertThat(appliers.clusterAnswers()).isTrue();

        clusterDown = true;
        appliers.discover();

        assertThat(appliers.clusterAnswers()).isFalse();
        assertThat(appliers.sites()).hasSize(1);
        assertThat(launched).hasSize(1);
    }
}
