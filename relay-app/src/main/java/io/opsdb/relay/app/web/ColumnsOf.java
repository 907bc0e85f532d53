package io.opsdb.relay.app.web;

import io.opsdb.relay.schema.EntityType;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The components of this request or response record are columns of {@link #value()}'s table, named by their JSON
 * names ({@code EntityTable}). What the API validates and how it words a refusal follow the column; a test checks
 * every such record against the table.
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface ColumnsOf {

    EntityType value();
}
