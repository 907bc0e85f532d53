package io.opsdb.relay.app.web;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The components of request and response records by their JSON names: read into a map in declaration order, or a
 * record built from a map (a row as {@code EntityReader} reads it), each value converted to its component's type.
 */
public final class RecordComponents {

    private static final JsonPropertyNames NAMES = new JsonPropertyNames();
    private static final ClassValue<List<Named>> COMPONENTS = new ClassValue<>() {
        @Override
        protected List<Named> computeValue(Class<?> type) {
            return Arrays.stream(type.getRecordComponents())
                    .map(c -> {
                        // Request and response records are package-private, as their controllers are.
                        c.getAccessor().setAccessible(true);
                        return new Named(NAMES.jsonName(type, c.getName()), c);
                    })
                    .toList();
        }
    };

    private RecordComponents() {}

    private record Named(String name, RecordComponent component) {}

    /** The JSON names of {@code type}'s components, in declaration order. */
    public static List<String> names(Class<? extends Record> type) {
        return COMPONENTS.get(type).stream().map(Named::name).toList();
    }

    /** The JSON name of {@code type}'s component {@code javaName}. */
    public static String jsonName(Class<?> type, String javaName) {
        return NAMES.jsonName(type, javaName);
    }

    /** Every component of {@code record} by JSON name, in declaration order; absent values are null. */
    public static Map<String, Object> values(Record record) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Named named : COMPONENTS.get(record.getClass())) {
            try {
                values.put(named.name(), named.component().getAccessor().invoke(record));
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + named.name() + " of " + record.getClass(), e);
            }
        }
        return values;
    }

    /**
     * A {@code type} with each component taken from {@code values} by JSON name (null when absent): an instant from
     * its ISO-8601 text, a number as the component's number type, anything else as it is.
     */
    public static <R extends Record> R construct(Class<R> type, Map<String, ?> values) {
        List<Named> components = COMPONENTS.get(type);
        Object[] arguments = new Object[components.size()];
        Class<?>[] types = new Class<?>[components.size()];
        for (int i = 0; i < arguments.length; i++) {
            RecordComponent component = components.get(i).component();
            types[i] = component.getType();
            arguments[i] = convert(values.get(components.get(i).name()), types[i]);
        }
        try {
            Constructor<R> canonical = type.getDeclaredConstructor(types);
            canonical.setAccessible(true);
            return canonical.newInstance(arguments);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type + " from " + values.keySet(), e);
        }
    }

    private static Object convert(Object value, Class<?> type) {
        if (value == null || type.isInstance(value)) {
            return value;
        }
        if (type == Instant.class && value instanceof String text) {
            return Instant.parse(text);
        }
        if (type == Long.class && value instanceof Number number) {
            return number.longValue();
        }
        if (type == Double.class && value instanceof Number number) {
            return number.doubleValue();
        }
        throw new IllegalArgumentException(
                "a " + value.getClass().getSimpleName() + " is not a " + type.getSimpleName());
    }
}
