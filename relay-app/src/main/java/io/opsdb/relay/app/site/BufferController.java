package io.opsdb.relay.app.site;

import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/buffer}: what this site has in flight and how old the oldest is, how many transactions
 * wait for an operator (FAILED) or were set aside (DISCARDED), and how far its replica lags. At the main
 * site nothing is in flight, its database is the primary itself, and the counts are every site's; its
 * {@code origin_sites} give each origin site's applier (state, waiting commands, refusal).
 */
@RestController
class BufferController {

    private final SiteStatus status;

    BufferController(SiteStatus status) {
        this.status = status;
    }

    @GetMapping("/api/buffer")
    Map<String, Object> buffer() {
        return status.bufferFigures();
    }
}
