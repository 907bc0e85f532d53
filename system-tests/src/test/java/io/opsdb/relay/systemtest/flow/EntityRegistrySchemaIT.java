package io.opsdb.relay.systemtest.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.entity.Column;
import io.opsdb.relay.entity.EntityTable;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The entity registry ({@link EntityTable}) says of the primary's tables what the Flyway migrations made of them, on
 * the real primary of the two-site stack: every column in order with its type, nullability, length and default; every
 * {@code CHECK} (value lists, numeric bounds, an instant not before another); every foreign key. A migration that
 * changes an entity's table fails here until the registry says the same, and the API, the applier and the reads follow.
 */
@ExtendWith(TwoSiteStack.class)
class EntityRegistrySchemaIT {

    /** Tables of the schema that are not entities the relay writes: its own bookkeeping, tokens, Flyway's history. */
    private static final Set<String> NOT_ENTITIES = Set.of(
            "relay_ledger",
            "relay_dead_letter",
            "relay_heartbeat",
            "relay_idempotency_key",
            "app_user",
            "api_token",
            "flyway_schema_history");

    /** One column as {@code information_schema.columns} describes it. */
    record ColumnShape(String name, String dataType, boolean notNull, Integer maxLength, boolean hasDefault) {}

    static Stream<EntityTable> entities() {
        return EntityTable.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entities")
    void theTableHasTheRegistrysColumnsInOrderWithTheirTypesNullabilityLengthsAndDefaults(EntityTable entity)
            throws Exception {
        List<ColumnShape> expected = entity.schemaColumns().stream()
                // Text is unbounded in SQL (the API's maxLength is the API's); the database fills only its own columns.
                .map(c -> new ColumnShape(
                        c.name(), c.type().dataType(), c.notNull(), null, c.origin() == Column.Origin.DATABASE))
                .toList();
        List<ColumnShape> actual = rows(
                        "SELECT column_name, data_type, is_nullable, character_maximum_length, column_default"
                                + " FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ? ORDER BY ordinal_position",
                        entity.table())
                .stream()
                .map(row -> new ColumnShape(
                        (String) row.get(0),
                        (String) row.get(1),
                        row.get(2).equals("NO"),
                        (Integer) row.get(3),
                        row.get(4) != null))
                .toList();
        assertThat(actual).as("columns of " + entity.table()).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entities")
    void theTablesChecksAreTheRegistrysValueListsBoundsAndOrder(EntityTable entity) throws Exception {
        Set<String> expected = new TreeSet<>();
        for (Column column : entity.schemaColumns()) {
            if (!column.allowed().isEmpty()) {
                expected.add("CHECK " + column.name() + " = ANY ARRAY[" + String.join(", ", column.allowed()) + "]");
            }
            List<String> bounds = new ArrayList<>();
            if (column.lower() != null) {
                bounds.add(column.name()
                        + (column.lower().inclusive() ? " >= " : " > ")
                        + number(column.lower().value()));
            }
            if (column.upper() != null) {
                bounds.add(column.name()
                        + (column.upper().inclusive() ? " <= " : " < ")
                        + number(column.upper().value()));
            }
            if (!bounds.isEmpty()) {
                expected.add("CHECK " + String.join(" AND ", bounds));
            }
            if (column.notBefore() != null) {
                expected.add("CHECK " + column.name() + " IS NULL OR " + column.name() + " >= " + column.notBefore());
            }
        }
        Set<String> actual = new TreeSet<>();
        for (String check : constraints(entity.table(), "c")) {
            actual.add(normalized(check));
        }
        assertThat(actual).as("CHECK constraints of " + entity.table()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entities")
    void theTablesForeignKeysAreTheRegistrysReferences(EntityTable entity) throws Exception {
        Set<String> expected = new TreeSet<>();
        for (Column column : entity.schemaColumns()) {
            if (column.references() != null) {
                String referenced =
                        EntityTable.of(column.references()).orElseThrow().table();
                expected.add("FOREIGN KEY (" + column.name() + ") REFERENCES " + referenced + "(id)");
            }
        }
        assertThat(new TreeSet<>(constraints(entity.table(), "f")))
                .as("foreign keys of " + entity.table())
                .isEqualTo(expected);
    }

    @Test
    void everyTableOfTheSchemaIsAnEntityOrTheRelaysOwn() throws Exception {
        Set<String> tables = new TreeSet<>();
        rows("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")
                .forEach(row -> tables.add((String) row.get(0)));
        Set<String> known = new TreeSet<>(NOT_ENTITIES);
        EntityTable.all().forEach(t -> known.add(t.table()));
        assertThat(tables)
                .as("tables of the primary's schema")
                .isSubsetOf(known)
                .containsAll(EntityTable.all().stream().map(EntityTable::table).toList());
    }

    /** The definitions of {@code table}'s constraints of one kind ({@code c} check, {@code f} foreign key). */
    private static List<String> constraints(String table, String type) throws SQLException {
        return rows(
                        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = CAST(? AS regclass) AND contype = ?",
                        "public." + table,
                        type)
                .stream()
                .map(row -> (String) row.get(0))
                .toList();
    }

    /** The rows of a query at the primary, each as its columns' values. */
    private static List<List<Object>> rows(String sql, String... parameters) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection primary = TwoSiteStack.primary();
                PreparedStatement query = primary.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setString(i + 1, parameters[i]);
            }
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int column = 1; column <= result.getMetaData().getColumnCount(); column++) {
                        row.add(result.getObject(column));
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /**
     * A {@code CHECK} as PostgreSQL prints it, without its casts, quotes and parentheses:
     * {@code CHECK (((ra_deg >= (0)::double precision) AND ...))} becomes {@code CHECK ra_deg >= 0 AND ...}.
     */
    static String normalized(String definition) {
        return definition
                .replaceAll("::(text|integer|bigint|numeric|double precision)(\\[\\])?", "")
                .replaceAll("[()']", "")
                .replaceAll("\\s+", " ")
                .trim();
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
