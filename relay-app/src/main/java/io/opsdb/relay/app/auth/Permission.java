package io.opsdb.relay.app.auth;

/** What a request needs: decided by {@link AccessPolicy} from its method and path, granted by a {@link Role}. */
public enum Permission {

    /** Nothing: health, site info, metrics and the API description are open to anyone. */
    PUBLIC("public"),
    /** Reading domain data and transaction status. */
    READ("read"),
    /** Writing domain data; retrying and discarding transactions. */
    WRITE("write"),
    /** Creating, listing and revoking API tokens. */
    MANAGE_TOKENS("manage-tokens");

    private final String value;

    Permission(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }
}
