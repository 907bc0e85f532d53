package io.opsdb.relay.app.web;

import java.util.ArrayList;
import java.util.List;

/** {@code limit} and {@code offset} of a list request, checked. */
public record Paging(int limit, int offset) {

    public static final int MAX_LIMIT = 1000;
    public static final int MAX_OFFSET = 100_000;

    public static Paging of(Integer limit, Integer offset) {
        int l = limit == null ? 50 : limit;
        int o = offset == null ? 0 : offset;
        List<RequestProblem.FieldError> errors = new ArrayList<>();
        if (l < 1 || l > MAX_LIMIT) {
            errors.add(new RequestProblem.FieldError("limit", "must be from 1 to " + MAX_LIMIT));
        }
        if (o < 0 || o > MAX_OFFSET) {
            errors.add(new RequestProblem.FieldError("offset", "must be from 0 to " + MAX_OFFSET));
        }
        if (!errors.isEmpty()) {
            throw RequestProblem.invalid(errors);
        }
        return new Paging(l, o);
    }
}
