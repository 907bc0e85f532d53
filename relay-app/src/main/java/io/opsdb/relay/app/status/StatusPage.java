package io.opsdb.relay.app.status;

import io.swagger.v3.oas.annotations.Hidden;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * {@code GET /status}: the status page, a static page ({@code static/status/} in this jar) whose script reads the
 * API with the token the operator enters, kept in the browser tab's {@code sessionStorage} and sent as
 * {@code Authorization: Bearer}, never in a URL. The page and its scripts are public and show nothing of the site
 * without a token, apart from {@code /health}, which is public too.
 */
@Controller
class StatusPage {

    @Hidden
    @GetMapping("/status")
    String page() {
        return "forward:/status/index.html";
    }
}
