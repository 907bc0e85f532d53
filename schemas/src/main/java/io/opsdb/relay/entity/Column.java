package io.opsdb.relay.entity;

/** A column a command may write. */
public record Column(String name, ColumnType type) {
}
