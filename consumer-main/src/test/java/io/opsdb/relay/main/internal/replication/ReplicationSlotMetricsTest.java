package io.opsdb.relay.main.internal.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

class ReplicationSlotMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FakePrimary primary = new FakePrimary();
    private final ReplicationSlotMetrics metrics = new ReplicationSlotMetrics(primary);

    @Test
    void eachSlotHasItsLagAndNaNWhileThePrimaryCannotBeReadOrTheSlotIsGone() throws Exception {
        metrics.registry = registry;
        primary.rows =
                List.of(row("replica_observatory", "physical", 4096.0), row("relay_ledger_slot", "logical", null));

        metrics.refresh();

        assertThat(lag("replica_observatory", "physical")).isEqualTo(4096.0);
        assertThat(lag("relay_ledger_slot", "logical")).isNaN();

        primary.rows = null;
        metrics.refresh();

        assertThat(lag("replica_observatory", "physical")).isNaN();

        primary.rows = List.of(row("replica_observatory", "physical", 8192.0));
        metrics.refresh();

        assertThat(lag("replica_observatory", "physical")).isEqualTo(8192.0);
        assertThat(lag("relay_ledger_slot", "logical")).isNaN();
    }

    private double lag(String slot, String type) {
        return registry.get(ReplicationSlotMetrics.SLOT_LAG)
                .tag("slot_name", slot)
                .tag("slot_type", type)
                .gauge()
                .value();
    }

    private static ResultSet row(String name, String type, Double lag) throws SQLException {
        ResultSet row = mock(ResultSet.class);
        when(row.getString("slot_name")).thenReturn(name);
        when(row.getString("slot_type")).thenReturn(type);
        when(row.getObject("lag")).thenReturn(lag);
        when(row.getDouble("lag")).thenReturn(lag == null ? 0.0 : lag);
        return row;
    }

    /** pg_replication_slots as {@code rows} has it; unreadable (the primary down) while {@code rows} is null. */
    private static final class FakePrimary extends JdbcTemplate {

        List<ResultSet> rows;

        @Override
        public <T> List<T> query(String sql, RowMapper<T> mapper) {
            if (rows == null) {
                throw new DataAccessResourceFailureException("connection refused");
            }
            List<T> mapped = new ArrayList<>();
            try {
                for (int i = 0; i < rows.size(); i++) {
                    mapped.add(mapper.mapRow(rows.get(i), i));
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return mapped;
        }
    }
}
