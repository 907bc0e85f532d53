package io.opsdb.relay.secondary.web;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.ResponseEntity;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.opsdb.relay.secondary.SecondarySiteProperties;
import io.opsdb.relay.secondary.transaction.TransactionTracker;

/** {@code GET /health}: 200 while outcomes are followed, with the in-flight count and replay position. */
@RestController
class HealthController {

    private final SecondarySiteProperties settings;
    private final TransactionTracker tracker;
    private final KafkaListenerEndpointRegistry listeners;

    HealthController(SecondarySiteProperties settings, TransactionTracker tracker, KafkaListenerEndpointRegistry listeners) {
        this.settings = settings;
        this.tracker = tracker;
        this.listeners = listeners;
    }

    @GetMapping("/health")
    ResponseEntity<Map<String, Object>> health() {
        MessageListenerContainer follower = listeners.getListenerContainer("outcome-follower");
        boolean following = follower != null && follower.isRunning();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", following ? "UP" : "DOWN");
        body.put("site_name", settings.siteName());
        body.put("site_type", "secondary");
        body.put("in_flight", tracker.inFlightCount());
        body.put("replica_replay_lsn", tracker.replayedPosition().asString());
        return ResponseEntity.status(following ? 200 : 503).body(body);
    }
}
