package io.opsdb.relay.app.status;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/status/history}: this site's in-flight count, oldest in-flight age, replica lag and apply rate,
 * one sample every {@link StatusSampler#INTERVAL} over the last hour, oldest first; what the status page plots.
 * It needs a token that may read, as the figures of {@code /api/buffer} do.
 */
@RestController
class StatusController {

    private final StatusSampler sampler;

    StatusController(StatusSampler sampler) {
        this.sampler = sampler;
    }

    @GetMapping("/api/status/history")
    StatusHistoryView history() {
        return new StatusHistoryView(
                StatusSampler.INTERVAL.toSeconds(), sampler.history().samples());
    }
}
