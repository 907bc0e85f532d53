package io.opsdb.relay.app.auth;

/** Whether a request may go on, given the permission it needs and who (if anyone) made it. */
public enum AccessDecision {

    /** The request goes on. */
    ALLOW,
    /** No valid token where one is needed: 401. */
    UNAUTHENTICATED,
    /** A valid token whose role lacks the permission: 403. */
    FORBIDDEN;

    /**
     * @param required  what the request needs
     * @param principal who made it, null when the request carried no valid token
     */
    public static AccessDecision of(Permission required, AuthenticatedPrincipal principal) {
        if (required == Permission.PUBLIC) {
            return ALLOW;
        }
        if (principal == null) {
            return UNAUTHENTICATED;
        }
        return principal.role().grants(required) ? ALLOW : FORBIDDEN;
    }
}
