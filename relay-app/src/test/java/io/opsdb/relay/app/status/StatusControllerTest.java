package io.opsdb.relay.app.status;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.reset;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.opsdb.relay.app.site.SiteStatus;
import io.opsdb.relay.app.web.ApiJson;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import tools.jackson.databind.json.JsonMapper;

/** {@code GET /api/status/history} over a sampler fed by a site whose figures the test sets. */
class StatusControllerTest {

    private static final Instant T0 = Instant.parse("2026-11-30T04:00:00Z");

    private final SiteStatus site = mock(SiteStatus.class);
    private final AtomicLong applied = new AtomicLong();
    private final StatusSampler sampler = new StatusSampler(site, applied::get, Clock.systemUTC());
    private final MockMvc mvc = MockMvcBuilders.standaloneSetup(new StatusController(sampler))
            .setMessageConverters(new JacksonJsonHttpMessageConverter(
                    ApiJson.configure(JsonMapper.builder()).build()))
            .build();

    @Test
    void answersTheSamplesOldestFirstWithTheirInFlightCountAgeLagAndApplyRate() throws Exception {
        figures(2, 4.25, 0.5);
        sampler.sample(T0);
        figures(40, 14.25, null);
        applied.addAndGet(30);
        sampler.sample(T0.plus(StatusSampler.INTERVAL));

        mvc.perform(get("/api/status/history"))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.interval_seconds").value(10))
                .andExpect(jsonPath("$.samples.length()").value(2))
                .andExpect(jsonPath("$.samples[0].at").value("2026-11-30T04:00:00Z"))
                .andExpect(jsonPath("$.samples[0].in_flight").value(2))
                .andExpect(jsonPath("$.samples[0].oldest_in_flight_age_seconds").value(4.25))
                .andExpect(jsonPath("$.samples[0].replica_lag_seconds").value(0.5))
                .andExpect(jsonPath("$.samples[0].applied_per_second").isEmpty())
                .andExpect(jsonPath("$.samples[1].at").value("2026-11-30T04:00:10Z"))
                .andExpect(jsonPath("$.samples[1].in_flight").value(40))
                .andExpect(jsonPath("$.samples[1].replica_lag_seconds").isEmpty())
                .andExpect(jsonPath("$.samples[1].applied_per_second").value(3.0));
    }

    @Test
    void aSampleWhoseFiguresCannotBeReadIsSkippedAndTheNextIsTaken() throws Exception {
        when(site.inFlightCount()).thenThrow(new IllegalStateException("state store not ready"));
        sampler.sample(T0);
        figures(1, 0.5, 0.0);
        sampler.sample(T0.plus(StatusSampler.INTERVAL));

        mvc.perform(get("/api/status/history"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.samples.length()").value(1))
                .andExpect(jsonPath("$.samples[0].at").value("2026-11-30T04:00:10Z"))
                .andExpect(jsonPath("$.samples[0].in_flight").value(1));
    }

    @Test
    void anHourOfSamplesIsKept() throws Exception {
        figures(0, 0, 0.0);
        int hour = (int) (StatusSampler.SPAN.toSeconds() / StatusSampler.INTERVAL.toSeconds());
        for (int i = 0; i < hour + 5; i++) {
            sampler.sample(T0.plus(StatusSampler.INTERVAL.multipliedBy(i)));
        }

        mvc.perform(get("/api/status/history"))
                .andExpect(jsonPath("$.samples.length()").value(hour))
                .andExpect(jsonPath("$.samples[0].at").value("2026-11-30T04:00:50Z"));
    }

    private void figures(int inFlight, double oldestAgeSeconds, Double replicaLagSeconds) {
        reset(site);
        when(site.inFlightCount()).thenReturn(inFlight);
        when(site.oldestInFlightAgeSeconds()).thenReturn(oldestAgeSeconds);
        when(site.replicaLagSeconds()).thenReturn(replicaLagSeconds);
    }
}
