package io.opsdb.relay.site.spring;

import io.opsdb.relay.site.SiteSetting;
import io.opsdb.relay.site.SiteType;
import java.util.Map;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when SITE_TYPE (environment, then {@code .env}, then its default) names the annotated type. An
 * invalid SITE_TYPE matches nothing here; the site configuration bean then stops start-up with the reason.
 */
class SiteTypeCondition implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnSiteType.class.getName());
        SiteType wanted = (SiteType) attributes.get("value");
        String configured = context.getEnvironment()
                .getProperty(SiteSetting.SITE_TYPE.variable(), SiteSetting.SITE_TYPE.defaultValue());
        return wanted.value().equalsIgnoreCase(configured.strip());
    }
}
