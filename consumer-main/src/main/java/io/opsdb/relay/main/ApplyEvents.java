package io.opsdb.relay.main;

import io.opsdb.relay.main.internal.apply.ApplyListener;
import io.opsdb.relay.main.internal.apply.IncomingCommand;
import io.opsdb.relay.main.internal.apply.UnreadableCommand;
import io.opsdb.relay.role.TransactionEvents;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The applier's listener: tells the {@link TransactionEvents} listeners of the main site's role of each command the
 * applier settles, by the site that accepted it, timed from that acceptance to now. At a secondary nobody is added.
 */
final class ApplyEvents implements ApplyListener {

    private final List<TransactionEvents> listeners = new CopyOnWriteArrayList<>();
    private final Clock clock;

    ApplyEvents() {
        this(Clock.systemUTC());
    }

    ApplyEvents(Clock clock) {
        this.clock = clock;
    }

    void add(TransactionEvents listener) {
        listeners.add(listener);
    }

    @Override
    public void applied(IncomingCommand command) {
        String origin = command.command().getSite();
        Duration latency = Duration.between(command.command().getAcceptedAt(), clock.instant());
        for (TransactionEvents listener : listeners) {
            listener.applied(origin);
            listener.settledAfter(origin, latency);
        }
    }

    @Override
    public void failed(IncomingCommand command, String reason) {
        for (TransactionEvents listener : listeners) {
            listener.failed(command.command().getSite());
        }
    }

    @Override
    public void originSiteFound(String site) {
        for (TransactionEvents listener : listeners) {
            listener.originSiteFound(site);
        }
    }

    @Override
    public void unreadable(UnreadableCommand record, boolean failedTransaction) {
        for (TransactionEvents listener : listeners) {
            if (failedTransaction) {
                listener.failed(record.site());
            }
            listener.unreadable(TransactionEvents.Unreadable.COMMAND, record.site(), failedTransaction);
        }
    }
}
