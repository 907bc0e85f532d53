package io.opsdb.relay.secondary.internal.transaction;

import java.time.Instant;

/**
 * An operator's action on a transaction: who (the authenticated user's name) and when.
 *
 * @param by the user's name
 * @param at when it was done
 */
public record OperatorAction(String by, Instant at) {}
