package io.opsdb.relay.main;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.main.internal.apply.IncomingCommand;
import io.opsdb.relay.main.internal.apply.UnreadableCommand;
import io.opsdb.relay.role.TransactionEvents;
import io.opsdb.relay.schema.WriteCommand;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApplyEventsTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    /** What a listener was told, one line per call. */
    static final class Recorded implements TransactionEvents {
        final List<String> calls = new ArrayList<>();

        @Override
        public void applied(String originSite) {
            calls.add("applied " + originSite);
        }

        @Override
        public void failed(String originSite) {
            calls.add("failed " + originSite);
        }

        @Override
        public void settledAfter(String originSite, Duration latency) {
            calls.add("settled " + originSite + " after " + latency.toMillis() + " ms");
        }

        @Override
        public void unreadable(Unreadable record, String originSite, boolean failedTransaction) {
            calls.add(
                    "unreadable " + record + " " + originSite + (failedTransaction ? " failing its transaction" : ""));
        }
    }

    private final ApplyEvents events = new ApplyEvents(Clock.fixed(NOW, ZoneOffset.UTC));
    private final Recorded recorded = new Recorded();

    private static IncomingCommand command(String site, Instant acceptedAt) {
        WriteCommand command = WriteCommand.newBuilder()
                .setTransactionId("00000000-0000-0000-0000-0000000000aa")
                .setSite(site)
                .setAcceptedAt(acceptedAt)
                .setAttempt(1)
                .setOperations(List.of())
                .build();
        return new IncomingCommand("observatory.ops.commands", 0, 0, command);
    }

    @Test
    void eachSettledCommandIsToldByItsOriginSiteTimedFromItsAcceptance() {
        events.add(recorded);

        events.applied(command("observatory", NOW.minusMillis(2500)));
        events.failed(command("observatory", NOW), "executed_obs_unit 42 does not exist");
        events.applied(command("cologne", NOW.minusMillis(40)));

        assertThat(recorded.calls)
                .containsExactly(
                        "applied observatory",
                        "settled observatory after 2500 ms",
                        "failed observatory",
                        "applied cologne",
                        "settled cologne after 40 ms");
    }

    @Test
    void anUnreadableRecordIsToldWithItsFate() {
        events.add(recorded);
        UnreadableCommand record = new UnreadableCommand(
                "observatory.ops.commands", 0, 7, NOW, new byte[] {1}, null, "observatory", "not a command");

        events.unreadable(record, false);
        events.unreadable(record, true);

        assertThat(recorded.calls)
                .containsExactly(
                        "unreadable COMMAND observatory",
                        "failed observatory",
                        "unreadable COMMAND observatory failing its transaction");
    }

    @Test
    void withoutListenersTheApplierIsToldNothingAndNothingFails() {
        events.applied(command("observatory", NOW));

        assertThat(recorded.calls).isEmpty();
    }
}
