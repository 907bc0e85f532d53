package io.opsdb.relay.main.internal.outcome;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.schema.OutcomeStatus;
import io.opsdb.relay.schema.TransactionOutcome;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class LedgerOutcomeAssemblerTest {

    private static final Schema ROW = SchemaBuilder.struct()
            .field("transaction_id", Schema.STRING_SCHEMA)
            .field("site", Schema.STRING_SCHEMA)
            .field("status", Schema.STRING_SCHEMA)
            .field("attempt", Schema.INT32_SCHEMA)
            .field("error", Schema.OPTIONAL_STRING_SCHEMA)
            .optional()
            .build();
    private static final Schema SOURCE = SchemaBuilder.struct()
            .field("txId", Schema.INT64_SCHEMA)
            .field("lsn", Schema.INT64_SCHEMA)
            .build();
    private static final Schema ENVELOPE = SchemaBuilder.struct()
            .field("op", Schema.STRING_SCHEMA)
            .field("after", ROW)
            .field("source", SOURCE)
            .build();
    private static final Schema TX = SchemaBuilder.struct()
            .field("status", Schema.STRING_SCHEMA)
            .field("id", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .build();

    private final LedgerOutcomeAssembler assembler = new LedgerOutcomeAssembler("relay_ledger");

    private static SourceRecord ledgerRow(
            long txId, long changeLsn, String transactionId, String status, String error) {
        Struct row = new Struct(ROW)
                .put("transaction_id", transactionId)
                .put("site", "observatory")
                .put("status", status)
                .put("attempt", 1)
                .put("error", error);
        Struct envelope = new Struct(ENVELOPE)
                .put("op", "c")
                .put("after", row)
                .put("source", new Struct(SOURCE).put("txId", txId).put("lsn", changeLsn));
        return new SourceRecord(Map.of(), Map.of(), "relay.public.relay_ledger", null, ENVELOPE, envelope);
    }

    private static SourceRecord transaction(String status, String id) {
        return new SourceRecord(
                Map.of(),
                Map.of(),
                "relay.transaction",
                null,
                TX,
                new Struct(TX).put("status", status).put("id", id).put("ts_ms", 1_700_000_000_000L));
    }

    @Test
    void outcomesCarryTheCommitLsnOfTheirEndEventNotTheChangeLsn() {
        assertThat(assembler.accept(transaction("BEGIN", "775:34365024"))).isEmpty();
        assertThat(assembler.accept(ledgerRow(775, 34_360_000, "t-1", "APPLIED", null)))
                .isEmpty();
        assertThat(assembler.accept(ledgerRow(775, 34_362_000, "t-2", "FAILED", "SQLState 23503: ERROR: fk")))
                .isEmpty();
        assertThat(assembler.hasPending()).isTrue();

        List<TransactionOutcome> outcomes = assembler.accept(transaction("END", "775:34365024"));

        assertThat(outcomes).extracting(TransactionOutcome::getTransactionId).containsExactly("t-1", "t-2");
        assertThat(outcomes).extracting(TransactionOutcome::getCommitLsn).containsOnly(34_365_024L);
        assertThat(outcomes)
                .extracting(TransactionOutcome::getStatus)
                .containsExactly(OutcomeStatus.APPLIED, OutcomeStatus.FAILED);
        assertThat(outcomes.get(1).getError()).isEqualTo("SQLState 23503: ERROR: fk");
        assertThat(outcomes.get(0).getCommittedAt().toEpochMilli()).isEqualTo(1_700_000_000_000L);
        assertThat(assembler.hasPending()).isFalse();
    }

    @Test
    void keepsInterleavedTransactionsApartByTxId() {
        assembler.accept(ledgerRow(10, 100, "a", "APPLIED", null));
        assembler.accept(ledgerRow(11, 200, "b", "APPLIED", null));

        assertThat(assembler.accept(transaction("END", "11:300")))
                .extracting(TransactionOutcome::getTransactionId)
                .containsExactly("b");
        assertThat(assembler.hasPending()).isTrue();
        assertThat(assembler.accept(transaction("END", "10:400")))
                .extracting(TransactionOutcome::getCommitLsn)
                .containsExactly(400L);
    }

    @Test
    void heartbeatTransactionsProduceNothing() {
        assertThat(assembler.accept(transaction("END", "12:500"))).isEmpty();
        Schema heartbeat =
                SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).build();
        assertThat(assembler.accept(new SourceRecord(
                        Map.of(),
                        Map.of(),
                        "relay.public.relay_heartbeat",
                        null,
                        heartbeat,
                        new Struct(heartbeat).put("op", "u"))))
                .isEmpty();
        assertThat(assembler.hasPending()).isFalse();
    }
}
