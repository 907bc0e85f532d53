package io.opsdb.relay.role;

import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import java.util.List;
import java.util.Set;

/**
 * What a site has acknowledged but its database does not show yet: reads replay it on top of the database's rows,
 * so a client reads its own writes at once. The overlay is a suffix of the site's order, so replaying it on any
 * state of the database read after it was taken gives the same record: take the overlay first, then read.
 */
public interface InFlightOverlay {

    /** Nothing in flight: the main site writes straight to the database it reads. */
    InFlightOverlay NONE = new InFlightOverlay() {
        @Override
        public List<Operation> operations(String recordId) {
            return List.of();
        }

        @Override
        public Set<String> recordIds(EntityType entity) {
            return Set.of();
        }
    };

    /** The in-flight operations on one record, in the site's order. */
    List<Operation> operations(String recordId);

    /** The records of one entity that have operations in flight (for merged lists). */
    Set<String> recordIds(EntityType entity);
}
