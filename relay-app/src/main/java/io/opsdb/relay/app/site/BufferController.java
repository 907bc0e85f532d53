package io.opsdb.relay.app.site;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.opsdb.relay.secondary.transaction.TransactionState;

/**
 * {@code GET /api/buffer}: what this site has in flight and how old the oldest is, how many transactions
 * wait for an operator (FAILED) or were set aside (DISCARDED), and how far its replica lags. At the main
 * site nothing is in flight, its database is the primary itself, and the counts are every site's.
 */
@RestController
class BufferController {

    private final SiteStatus status;

    BufferController(SiteStatus status) {
        this.status = status;
    }

    @GetMapping("/api/buffer")
    Map<String, Object> buffer() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("in_flight", status.inFlightCount());
        body.put("oldest_in_flight_age_seconds", status.oldestInFlightAgeSeconds());
        body.put("failed", status.count(TransactionState.FAILED));
        body.put("discarded", status.count(TransactionState.DISCARDED));
        body.put("replica_lag_bytes", status.replicaLagBytes());
        body.put("replica_lag_seconds", status.replicaLagSeconds());
        return body;
    }
}
