package io.opsdb.relay.app.site;

import io.opsdb.relay.site.SiteConfiguration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/site/info}: the seed system's fields, plus the buffer and replication figures. */
@RestController
class SiteInfoController {

    private final SiteConfiguration site;
    private final SiteStatus status;

    SiteInfoController(SiteConfiguration site, SiteStatus status) {
        this.site = site;
        this.status = status;
    }

    @GetMapping("/api/site/info")
    Map<String, Object> info() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("site_name", site.siteName());
        body.put("site_type", site.siteType().value());
        body.put("is_main_site", site.isMainSite());
        body.put("is_secondary_site", site.isSecondarySite());
        body.put("critical_operations_buffer", site.criticalOperationsBuffer());
        body.put("transaction_buffer_size", site.transactionBufferSize());
        body.put("lsn_tracking_enabled", site.lsnTrackingEnabled());
        body.putAll(status.figures());
        return body;
    }
}
