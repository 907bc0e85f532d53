package io.opsdb.relay.systemtest.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.testsupport.TwoSiteStack;
import java.sql.Connection;
import java.sql.PreparedStatement;

/**
 * Observing programs written straight into the primary, as Cologne's own staff would: a test makes a command poison by
 * deleting, at the main site, the program a buffered command references (the flow tests and the status page's).
 */
public final class ObservingPrograms {

    private ObservingPrograms() {}

    /** Inserts program {@code id}, its code and title naming {@code test}. */
    public static void create(String id, String test) throws Exception {
        try (Connection primary = TwoSiteStack.primary();
                PreparedStatement insert = primary.prepareStatement(
                        "INSERT INTO observing_program (id, code, title) VALUES (CAST(? AS uuid), ?, ?)")) {
            insert.setString(1, id);
            insert.setString(2, test + "-" + id);
            insert.setString(3, test + " test");
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
    }

    public static void delete(String id) throws Exception {
        try (Connection primary = TwoSiteStack.primary();
                PreparedStatement delete =
                        primary.prepareStatement("DELETE FROM observing_program WHERE id = CAST(? AS uuid)")) {
            delete.setString(1, id);
            assertThat(delete.executeUpdate()).isEqualTo(1);
        }
    }
}
