package io.opsdb.relay.systemtest.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.infra.demo.ObservatoryClient;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** I5: at the observatory a write reads back at once, the same before and after it reaches the replica. */
@ExtendWith(TwoSiteStack.class)
class ReadYourWritesIT {

    private final ObservatoryClient client = new ObservatoryClient(
            TwoSiteStack.stack().observatoryApi(),
            TwoSiteStack.stack().serviceToken(),
            Executors.newFixedThreadPool(2));

    @Test
    void startedAndFinishedUnitReadsCompletedBeforeAndAfterItIsVisible() throws Exception {
        LocalStack stack = TwoSiteStack.stack();
        ObservatoryClient.Accepted start;
        ObservatoryClient.Accepted finish;
        String whileBuffered;
        // Hold the commands at the observatory (the WAN is down) so the reads surely come from the overlay.
        stack.stop(LocalStack.MM2_COLOGNE);
        try {
            start = client.startObsUnit("ryw-1", "camera");
            assertThat(start.status()).as(start.body()).isEqualTo(201);
            HttpResponse<String> running = client.getObsUnit(start.recordId());
            assertThat(running.statusCode()).isEqualTo(200);
            assertThat(running.body()).contains("\"status\":\"running\"").contains("\"obs_unit_id\":\"ryw-1\"");

            finish = client.finishObsUnit(start.recordId(), "completed");
            assertThat(finish.status()).as(finish.body()).isEqualTo(201);
            HttpResponse<String> completed = client.getObsUnit(start.recordId());
            assertThat(completed.statusCode()).isEqualTo(200);
            assertThat(completed.body()).contains("\"status\":\"completed\"").contains("\"end_time\":\"");
            whileBuffered = completed.body();

            assertThat(client.status(finish.transactionId()).state()).isEqualTo("BUFFERED");
            assertThat(replicaStatus(start.recordId()))
                    .as("not on the replica yet")
                    .isNull();
        } finally {
            stack.restart(LocalStack.MM2_COLOGNE);
        }

        ObservatoryClient.Status visible = client.whenVisible(finish.transactionId(), Duration.ofSeconds(90))
                .get();
        assertThat(visible.state()).as(visible.body()).isEqualTo("VISIBLE");
        assertThat(replicaStatus(start.recordId())).isEqualTo("completed");
        HttpResponse<String> afterwards = client.getObsUnit(start.recordId());
        assertThat(afterwards.statusCode()).isEqualTo(200);
        assertThat(afterwards.body()).as("no flicker from overlay to replica").isEqualTo(whileBuffered);
    }

    @Test
    void unknownUnitIsNotFoundAndABadIdIsRefused() throws Exception {
        assertThat(client.getObsUnit("00000000-0000-4000-8000-000000000000").statusCode())
                .isEqualTo(404);
        HttpResponse<String> bad = client.getObsUnit("not-a-uuid");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).contains("application/problem+json"));
        assertThat(bad.body()).contains("must be a UUID");
    }

    private static String replicaStatus(String id) throws Exception {
        try (Connection replica = TwoSiteStack.replica();
                PreparedStatement select =
                        replica.prepareStatement("SELECT status FROM executed_obs_unit WHERE id = CAST(? AS uuid)")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }
}
