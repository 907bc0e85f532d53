package io.opsdb.relay.role;

/**
 * What a site keeps of an Idempotency-Key: the hash of the request that first used it, and the first answer once
 * there is one.
 *
 * @param answer null while the first request is being written, or when it was refused or never answered
 */
public record KeyRecord(String requestHash, FirstAnswer answer) {

    /**
     * The first successful answer, replayed as it was.
     *
     * @param location the Location header, or null
     * @param body the JSON body
     */
    public record FirstAnswer(int status, String location, byte[] body) {}
}
