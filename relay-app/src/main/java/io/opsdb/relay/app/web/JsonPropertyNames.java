package io.opsdb.relay.app.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hibernate.validator.spi.nodenameprovider.JavaBeanProperty;
import org.hibernate.validator.spi.nodenameprovider.Property;
import org.hibernate.validator.spi.nodenameprovider.PropertyNodeNameProvider;

/**
 * Names a constraint violation's property as the JSON body does ({@code size_bytes}, not {@code sizeBytes}), so a
 * field error names what the client sent: {@code files[1].size_bytes}.
 */
public final class JsonPropertyNames implements PropertyNodeNameProvider {

    private final Map<Field, String> names = new ConcurrentHashMap<>();

    @Override
    public String getName(Property property) {
        if (property instanceof JavaBeanProperty bean) {
            return jsonName(bean.getDeclaringClass(), property.getName());
        }
        return property.getName();
    }

    /** The JSON name of {@code type}'s property {@code name}: its {@link JsonProperty}, else the Java name. */
    public String jsonName(Class<?> type, String name) {
        Field field;
        try {
            field = type.getDeclaredField(name);
        } catch (NoSuchFieldException e) {
            return name;
        }
        return names.computeIfAbsent(field, f -> {
            JsonProperty json = f.getAnnotation(JsonProperty.class);
            return json == null || json.value().isEmpty() ? f.getName() : json.value();
        });
    }
}
