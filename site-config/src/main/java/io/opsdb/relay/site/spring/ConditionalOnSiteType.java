package io.opsdb.relay.site.spring;

import io.opsdb.relay.site.SiteType;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Conditional;

/** Registers a configuration or component only at sites of the given SITE_TYPE. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Documented
@Conditional(SiteTypeCondition.class)
public @interface ConditionalOnSiteType {

    SiteType value();
}
