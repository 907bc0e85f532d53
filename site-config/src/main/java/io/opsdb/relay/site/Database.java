package io.opsdb.relay.site;

/** Where a PostgreSQL database is and who connects to it. */
public record Database(String host, int port, String user, String password, String name) {

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + name;
    }

    @Override
    public String toString() {
        // Never the password.
        return user + "@" + host + ":" + port + "/" + name;
    }
}
