package io.opsdb.relay.app.web;

import io.opsdb.relay.app.web.RequestProblem.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Reads and checks the fields of a JSON request body, collecting every problem so the client hears of
 * all of them at once. Values come out in the form commands carry them.
 */
public final class RequestFields {

    private final Map<String, Object> body;
    private final List<FieldError> errors = new ArrayList<>();

    public RequestFields(Map<String, Object> body, Set<String> allowed) {
        this.body = body == null ? Map.of() : body;
        for (String name : new TreeSet<>(this.body.keySet())) {
            if (!allowed.contains(name)) {
                errors.add(
                        new FieldError(name, "unknown field; allowed: " + String.join(", ", new TreeSet<>(allowed))));
            }
        }
    }

    public String text(String name, boolean required, int maxLength) {
        Object value = body.get(name);
        if (value == null) {
            if (required) {
                errors.add(new FieldError(name, "is required"));
            }
            return null;
        }
        if (!(value instanceof String text)) {
            errors.add(new FieldError(name, "must be a string"));
            return null;
        }
        if (text.isBlank()) {
            errors.add(new FieldError(name, "must not be blank"));
            return null;
        }
        if (StorableValues.characters(text) > maxLength) {
            errors.add(new FieldError(name, "must be at most " + maxLength + " characters"));
            return null;
        }
        Optional<String> unstorable = StorableValues.textProblem(text);
        if (unstorable.isPresent()) {
            errors.add(new FieldError(name, unstorable.get()));
            return null;
        }
        return text;
    }

    public String uuid(String name) {
        Object value = body.get(name);
        if (value == null) {
            return null;
        }
        String text = value instanceof String s ? s : null;
        if (text == null || !isUuid(text)) {
            errors.add(new FieldError(name, "must be a UUID"));
            return null;
        }
        return text.toLowerCase();
    }

    public String oneOf(String name, Set<String> allowed, String fallback) {
        Object value = body.get(name);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof String text) || !allowed.contains(text)) {
            errors.add(new FieldError(name, "must be one of " + String.join(", ", new TreeSet<>(allowed))));
            return null;
        }
        return text;
    }

    public void reject(String name, String message) {
        errors.add(new FieldError(name, message));
    }

    public void throwIfInvalid() {
        if (!errors.isEmpty()) {
            throw RequestProblem.invalid(errors);
        }
    }

    public static boolean isUuid(String text) {
        try {
            return text.length() == 36 && UUID.fromString(text).toString().equalsIgnoreCase(text);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
