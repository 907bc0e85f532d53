package io.opsdb.relay.entity;

/** The SQL type of a column, and the Avro value type a {@code WriteCommand} carries for it. */
public enum ColumnType {
    UUID("uuid", String.class),
    TEXT("text", String.class),
    /** An ISO-8601 instant in a command; {@code timestamptz} in the database, microsecond precision. */
    TIMESTAMP("timestamptz", String.class),
    BIGINT("bigint", Long.class),
    DOUBLE("double precision", Double.class),
    BOOLEAN("boolean", Boolean.class);

    private final String sqlType;
    private final Class<?> valueType;

    ColumnType(String sqlType, Class<?> valueType) {
        this.sqlType = sqlType;
        this.valueType = valueType;
    }

    public String sqlType() {
        return sqlType;
    }

    /** The Java type of a non-null value of this column in a command. */
    public Class<?> valueType() {
        return valueType;
    }
}
