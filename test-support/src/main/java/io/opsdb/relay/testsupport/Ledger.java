package io.opsdb.relay.testsupport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** The primary's {@code relay_ledger}, as the tests read it. */
public final class Ledger {

    private Ledger() {}

    /** {@code status/attempt: error} of the transaction's ledger row at the primary; null while there is none. */
    public static String row(String transactionId) throws Exception {
        try (Connection primary = TwoSiteStack.primary();
                PreparedStatement select = primary.prepareStatement(
                        "SELECT status, attempt, error FROM relay_ledger WHERE transaction_id = CAST(? AS uuid)")) {
            select.setString(1, transactionId);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getString(1) + "/" + row.getInt(2) + ": " + row.getString(3) : null;
            }
        }
    }
}
