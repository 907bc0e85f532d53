package io.opsdb.relay.secondary.internal.transaction;

import static io.opsdb.relay.secondary.internal.transaction.TrackerFixtures.applied;
import static io.opsdb.relay.secondary.internal.transaction.TrackerFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.site.SiteConfiguration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

class ReplicaLsnPollerTest {

    private static final Instant NOW = Instant.parse("2026-11-30T08:00:00Z");

    private final TransactionTracker tracker = new TransactionTracker();
    private final JdbcTemplate replica = mock(JdbcTemplate.class);
    private final AtomicReference<String> replayed = new AtomicReference<>("0/100");

    @Test
    void aTransactionBecomingAppliedIsLookedForOnTheReplicaAtOnceNotAtTheNextTick() throws Exception {
        when(replica.queryForObject(anyString(), eq(String.class))).thenAnswer(call -> replayed.get());
        // Ten seconds between polls: only the poll its outcome asks for can make it VISIBLE within the test.
        SiteConfiguration settings = SiteConfiguration.load(Map.of(
                "SITE_NAME", "observatory",
                "SITE_TYPE", "secondary",
                "TRANSACTION_STATE_STORE", "false",
                "LSN_CHECK_INTERVAL", "10")::get);
        ReplicaLsnPoller poller = new ReplicaLsnPoller(replica, tracker, settings);
        poller.start();
        try {
            tracker.acknowledged("t1", 0, 1, List.of(start("r1")), NOW);
            CompletableFuture<TrackedTransaction> settled = tracker.whenSettled("t1");
            replayed.set("0/200");

            tracker.outcome(applied("t1", "0/150", NOW));

            TrackedTransaction visible = settled.get(3, TimeUnit.SECONDS);
            assertThat(visible.state()).isEqualTo(TransactionState.VISIBLE);
            assertThat(visible.progress().commitLsn()).isEqualTo(Lsn.valueOf("0/150"));
        } finally {
            poller.stop();
        }
    }
}
