package io.opsdb.relay.app.web;

import io.opsdb.relay.app.web.RequestProblem.FieldError;
import io.opsdb.relay.entity.ColumnType;
import io.opsdb.relay.entity.EntityTable;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import java.lang.reflect.Field;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * A request body that does not bind to its record ({@link ApiJson}), as the field error a client is answered: the
 * field's path as the body spells it ({@code operations[2].values.size_bytes}) and what the value must be. A field
 * with a closed set of values, a pattern or a non-empty list is described by that constraint's message; the others
 * by their type.
 */
public final class JsonBindingProblems {

    private JsonBindingProblems() {}

    /**
     * The field error for {@code failure}, its path prefixed with {@code prefix} (e.g. {@code operations[0].values.});
     * empty when the failure names no field (the body is not JSON, or not an object at all).
     */
    public static Optional<FieldError> of(JacksonException failure, String prefix) {
        List<JacksonException.Reference> path = failure.getPath();
        if (path.isEmpty()) {
            return Optional.empty();
        }
        String field = prefix + render(path);
        if (failure instanceof UnrecognizedPropertyException unknown) {
            return Optional.of(new FieldError(field, unknownField(unknown.getKnownPropertyIds())));
        }
        Class<?> target = failure instanceof MismatchedInputException mismatch
                ? mismatch.getTargetType()
                : failure instanceof InputCoercionException coercion ? coercion.getTargetType() : null;
        if (target == null) {
            return Optional.empty();
        }
        JacksonException.Reference last = path.get(path.size() - 1);
        Optional<String> described =
                last.getPropertyName() == null ? Optional.empty() : declared(owner(last), last.getPropertyName());
        return Optional.of(new FieldError(field, described.orElseGet(() -> mustBe(target))));
    }

    /** The message for fields a record does not have. */
    public static String unknownField(Collection<?> allowed) {
        TreeSet<String> names = new TreeSet<>();
        allowed.forEach(name -> names.add(String.valueOf(name)));
        return "unknown field; allowed: " + String.join(", ", names);
    }

    private static String render(List<JacksonException.Reference> path) {
        StringBuilder field = new StringBuilder();
        for (JacksonException.Reference reference : path) {
            if (reference.getPropertyName() != null) {
                field.append(field.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                field.append('[').append(reference.getIndex()).append(']');
            }
        }
        return field.toString();
    }

    private static Class<?> owner(JacksonException.Reference reference) {
        Object from = reference.from();
        return from instanceof Class<?> type ? type : from == null ? Object.class : from.getClass();
    }

    /** What the record declares its field {@code jsonName} must be, where it says more than the field's type. */
    private static Optional<String> declared(Class<?> owner, String jsonName) {
        if (!owner.isRecord()) {
            return Optional.empty();
        }
        for (Field field : owner.getDeclaredFields()) {
            if (!RecordComponents.jsonName(owner, field.getName()).equals(jsonName)) {
                continue;
            }
            OneOf oneOf = field.getAnnotation(OneOf.class);
            if (oneOf != null) {
                return Optional.of(OneOf.Validator.messageOf(oneOf));
            }
            Pattern pattern = field.getAnnotation(Pattern.class);
            if (pattern != null) {
                return Optional.of(pattern.message());
            }
            NotEmpty notEmpty = field.getAnnotation(NotEmpty.class);
            if (notEmpty != null) {
                return Optional.of(notEmpty.message());
            }
            ColumnsOf columns = owner.getAnnotation(ColumnsOf.class);
            if (columns != null
                    && EntityTable.of(columns.value())
                            .flatMap(t -> t.column(jsonName))
                            .filter(c -> c.type() == ColumnType.UUID)
                            .isPresent()) {
                return Optional.of("must be a UUID string");
            }
        }
        return Optional.empty();
    }

    private static String mustBe(Class<?> target) {
        if (target == String.class) {
            return "must be a string";
        }
        if (target == Long.class || target == long.class || target == Integer.class || target == int.class) {
            return "must be a whole number";
        }
        if (target == Double.class || target == double.class) {
            return "must be a number";
        }
        if (target == Boolean.class || target == boolean.class) {
            return "must be true or false";
        }
        if (target == Instant.class) {
            return StorableValues.notAnInstant();
        }
        if (Collection.class.isAssignableFrom(target) || target.isArray()) {
            return "must be an array";
        }
        return "must be a JSON object";
    }
}
