package io.opsdb.relay.app.auth;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What an API token lets its holder do. The values are those of {@code api_token.role}; each role grants a
 * fixed set of {@link Permission}s.
 */
public enum Role {

    /** Everything, token management included. */
    ADMIN("admin", EnumSet.allOf(Permission.class)),
    /** An operator at a site: reads and writes the operations data, retries and discards transactions. */
    OBSERVER("observer", EnumSet.of(Permission.PUBLIC, Permission.READ, Permission.WRITE)),
    /** A machine client (the telescope's control software, the demo workload): the same as an observer. */
    SERVICE("service", EnumSet.of(Permission.PUBLIC, Permission.READ, Permission.WRITE)),
    /** Reads only. */
    VIEWER("viewer", EnumSet.of(Permission.PUBLIC, Permission.READ));

    private final String value;
    private final Set<Permission> permissions;

    Role(String value, Set<Permission> permissions) {
        this.value = value;
        this.permissions = permissions;
    }

    /** The name stored in {@code api_token.role} and used in requests and responses. */
    public String value() {
        return value;
    }

    public boolean grants(Permission permission) {
        return permissions.contains(permission);
    }

    public static Optional<Role> fromValue(String value) {
        return Arrays.stream(values()).filter(role -> role.value.equals(value)).findFirst();
    }

    /** Every role's value, for validation messages and request checks. */
    public static Set<String> valueSet() {
        return Arrays.stream(values()).map(Role::value).collect(Collectors.toCollection(TreeSet::new));
    }
}
