package io.opsdb.relay.app.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.role.TransactionStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** A transaction's status reads the same at both site types, with the site at the main site and the order at a secondary. */
class TransactionViewTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ID = "6f1c2a43-8d0e-4b5a-9c7d-2e3f4a5b6c7d";

    @Test
    void atTheMainSiteItNamesTheSiteThatAcceptedIt() {
        TransactionStatus failed = new TransactionStatus(
                ID,
                TransactionState.FAILED,
                "observatory",
                null,
                2,
                null,
                "violates check constraint",
                Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T00:00:01.500Z"),
                null,
                "operator",
                Instant.parse("2026-01-02T00:00:00Z"),
                null,
                null);
        assertThat(JSON.writeValueAsString(TransactionView.of(failed)))
                .isEqualTo("{\"transaction_id\":\"" + ID + "\","
                        + "\"state\":\"FAILED\",\"site\":\"observatory\",\"attempt\":2,\"commit_lsn\":null,"
                        + "\"error\":\"violates check constraint\",\"acknowledged_at\":\"2026-01-01T00:00:00Z\","
                        + "\"applied_at\":\"2026-01-01T00:00:01.500Z\",\"visible_at\":null,\"retried_by\":\"operator\","
                        + "\"retried_at\":\"2026-01-02T00:00:00Z\",\"discarded_by\":null,\"discarded_at\":null}");
    }

    @Test
    void atASecondaryItNamesItsPlaceInTheSitesOrder() {
        TransactionStatus visible = new TransactionStatus(
                ID,
                TransactionState.VISIBLE,
                null,
                41L,
                1,
                Lsn.valueOf("0/16B3748"),
                null,
                Instant.parse("2026-01-01T00:00:00.123456Z"),
                Instant.parse("2026-01-01T00:00:01Z"),
                Instant.parse("2026-01-01T00:00:02Z"),
                null,
                null,
                null,
                null);
        assertThat(JSON.writeValueAsString(TransactionView.of(visible)))
                .isEqualTo("{\"transaction_id\":\"" + ID + "\","
                        + "\"state\":\"VISIBLE\",\"sequence\":41,\"attempt\":1,\"commit_lsn\":\"0/16B3748\",\"error\":null,"
                        + "\"acknowledged_at\":\"2026-01-01T00:00:00.123456Z\",\"applied_at\":\"2026-01-01T00:00:01Z\","
                        + "\"visible_at\":\"2026-01-01T00:00:02Z\",\"retried_by\":null,\"retried_at\":null,\"discarded_by\":null,"
                        + "\"discarded_at\":null}");
    }
}
