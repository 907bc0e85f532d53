package io.opsdb.relay.main.web;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.ResponseEntity;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.opsdb.relay.main.MainSiteProperties;
import io.opsdb.relay.main.outcome.LedgerCapture;

/** {@code GET /health}: 200 when the applier consumes and the outcome stream reads the WAL, else 503. */
@RestController
class HealthController {

    private final MainSiteProperties settings;
    private final LedgerCapture capture;
    private final KafkaListenerEndpointRegistry listeners;

    HealthController(MainSiteProperties settings, LedgerCapture capture, KafkaListenerEndpointRegistry listeners) {
        this.settings = settings;
        this.capture = capture;
        this.listeners = listeners;
    }

    @GetMapping("/health")
    ResponseEntity<Map<String, Object>> health() {
        MessageListenerContainer applier = listeners.getListenerContainer("command-applier");
        boolean applying = applier != null && applier.isRunning();
        boolean streaming = capture.isStreaming();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", applying && streaming ? "UP" : "DOWN");
        body.put("site_name", settings.siteName());
        body.put("site_type", "main");
        body.put("components", Map.of(
                "applier", applying ? "UP" : "DOWN",
                "outcome_stream", streaming ? "UP" : "DOWN"));
        return ResponseEntity.status(applying && streaming ? 200 : 503).body(body);
    }
}
