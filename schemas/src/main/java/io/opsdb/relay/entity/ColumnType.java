package io.opsdb.relay.entity;

/** The SQL type of a column, and the Avro value type a {@code WriteCommand} carries for it. */
public enum ColumnType {
    UUID("uuid", "uuid", String.class),
    TEXT("text", "text", String.class),
    /** An ISO-8601 instant in a command; {@code timestamptz} in the database, microsecond precision. */
    TIMESTAMP("timestamptz", "timestamp with time zone", String.class),
    BIGINT("bigint", "bigint", Long.class),
    DOUBLE("double precision", "double precision", Double.class),
    BOOLEAN("boolean", "boolean", Boolean.class);

    private final String sqlType;
    private final String dataType;
    private final Class<?> valueType;

    ColumnType(String sqlType, String dataType, Class<?> valueType) {
        this.sqlType = sqlType;
        this.dataType = dataType;
        this.valueType = valueType;
    }

    /** The type as statements cast to it: {@code CAST(? AS timestamptz)}. */
    public String sqlType() {
        return sqlType;
    }

    /** The type as PostgreSQL's {@code information_schema.columns.data_type} names it. */
    public String dataType() {
        return dataType;
    }

    /** The Java type of a non-null value of this column in a command. */
    public Class<?> valueType() {
        return valueType;
    }
}
