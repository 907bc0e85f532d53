package io.opsdb.relay.app.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.opsdb.relay.role.BufferFigures;
import io.opsdb.relay.role.OriginSiteFigures;
import io.opsdb.relay.role.SiteRole;
import io.opsdb.relay.site.SiteConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SiteStatusBufferTest {

    private final SiteRole role = mock(SiteRole.class);
    private final BufferFigures buffer = mock(BufferFigures.class);

    private SiteStatus status(String siteType) {
        when(role.buffer()).thenReturn(buffer);
        when(buffer.oldestInFlightAge()).thenReturn(Duration.ZERO);
        return new SiteStatus(SiteConfiguration.load(Map.of("SITE_NAME", "cologne", "SITE_TYPE", siteType)::get), role);
    }

    @Test
    void theMainSitesBufferFiguresGiveEachOriginSitesApplier() {
        when(buffer.originSites())
                .thenReturn(List.of(
                        new OriginSiteFigures("cologne", OriginSiteFigures.State.REFUSED, 2L, "its own name"),
                        new OriginSiteFigures("observatory", OriginSiteFigures.State.PAUSED, 40L, null),
                        new OriginSiteFigures("summit", OriginSiteFigures.State.APPLYING, 0L, null)));

        Map<String, Object> figures = status("main").bufferFigures();

        assertThat(figures)
                .containsEntry(
                        "origin_sites",
                        Map.of(
                                "cologne",
                                Map.of("state", "REFUSED", "waiting_commands", 2L, "refusal", "its own name"),
                                "observatory",
                                Map.of("state", "PAUSED", "waiting_commands", 40L),
                                "summit",
                                Map.of("state", "APPLYING", "waiting_commands", 0L)));
        List<Object> order = List.copyOf(((Map<?, ?>) figures.get("origin_sites")).keySet());
        assertThat(order).containsExactly("cologne", "observatory", "summit");
    }

    @Test
    void aSecondaryHasNoOriginSites() {
        assertThat(status("secondary").bufferFigures()).doesNotContainKey("origin_sites");
    }
}
