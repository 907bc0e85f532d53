package io.opsdb.relay.infra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A port the stack is about to listen on, with the component that will listen there and the environment
 * variable that moves it.
 */
public record PortClaim(int port, String owner, String environmentVariable) {

    /**
     * Whether the port can be bound on 127.0.0.1 right now.
     */
    public boolean isFree() {
        try (ServerSocket socket = new ServerSocket()) {
            // Matches what the servers do (Kafka, PostgreSQL and Tomcat set SO_REUSEADDR): a port in TIME_WAIT is free.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The one line a person sees when this port is taken. */
    public String inUseMessage() {
        return "port " + port + " (" + owner + ") is already in use: stop what holds it or set " + environmentVariable;
    }

    /**
     * Checks that every claimed port is free.
     *
     * @return one line naming every taken port, or empty if all are free
     */
    public static Optional<String> conflicts(List<PortClaim> claims) {
        String message = claims.stream()
                .filter(claim -> !claim.isFree())
                .map(PortClaim::inUseMessage)
                .collect(Collectors.joining("; "));
        return message.isEmpty() ? Optional.empty() : Optional.of(message);
    }
}
