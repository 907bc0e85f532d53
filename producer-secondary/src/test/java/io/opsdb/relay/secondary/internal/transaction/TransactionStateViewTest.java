package io.opsdb.relay.secondary.internal.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opsdb.relay.role.SiteUnavailableException;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.secondary.internal.kafka.SecondaryKafkaClients;
import io.opsdb.relay.site.SiteConfiguration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StateStoreMigratedException;
import org.apache.kafka.streams.errors.StateStoreNotAvailableException;
import org.apache.kafka.streams.errors.StreamsNotStartedException;
import org.apache.kafka.streams.errors.StreamsRebalancingException;
import org.apache.kafka.streams.errors.UnknownStateStoreException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;

class TransactionStateViewTest {

    /** Every read the API makes of a secondary's transaction state. */
    private static final List<Consumer<TransactionStateView>> READS = List.of(
            view -> view.find("t1"),
            view -> view.idempotencyEntry("t1"),
            view -> view.list(TransactionState.BUFFERED, null, 10),
            view -> view.count(TransactionState.VISIBLE),
            view -> view.inFlightOperations("r1"),
            view -> view.inFlightRecordIds(EntityType.EXECUTED_OBS_UNIT),
            TransactionStateView::inFlightCount,
            TransactionStateView::replayedPosition,
            TransactionStateView::newestCommit);

    private static final List<Supplier<InvalidStateStoreException>> RESTORING = List.of(
            () -> new InvalidStateStoreException(
                    "the state store, transactions, may have migrated to another instance"),
            () -> new StreamsNotStartedException("KafkaStreams has not been started"),
            () -> new StreamsRebalancingException("rebalancing"),
            () -> new StateStoreMigratedException("migrated"),
            () -> new StateStoreNotAvailableException("not open"));

    @Test
    void aReadWhileTheStoresCannotBeQueriedIsTheSiteUnavailableNotAFailure() {
        for (Supplier<InvalidStateStoreException> problem : RESTORING) {
            TransactionStateView lookupFails = new TransactionStateView(new TransactionStateView.Stores() {
                @Override
                public <K, V> ReadOnlyKeyValueStore<K, V> get(String name) {
                    throw problem.get();
                }
            });
            TransactionStateView readFails = new TransactionStateView(new TransactionStateView.Stores() {
                @Override
                public <K, V> ReadOnlyKeyValueStore<K, V> get(String name) {
                    return new ClosingStore<>(problem);
                }
            });
            for (TransactionStateView view : List.of(lookupFails, readFails)) {
                for (Consumer<TransactionStateView> read : READS) {
                    assertThatThrownBy(() -> read.accept(view))
                            .isInstanceOf(SiteUnavailableException.class)
                            .hasCauseInstanceOf(problem.get().getClass())
                            .hasMessageContaining("try again");
                }
            }
        }
    }

    @Test
    void aStoreTheTopologyDoesNotHaveIsABugNotAMoment() {
        TransactionStateView view = new TransactionStateView(new TransactionStateView.Stores() {
            @Override
            public <K, V> ReadOnlyKeyValueStore<K, V> get(String name) {
                throw new UnknownStateStoreException("no store " + name);
            }
        });

        assertThatThrownBy(() -> view.find("t1")).isInstanceOf(UnknownStateStoreException.class);
    }

    @Test
    void readsBeforeTheStoresAreRunningAreTheSiteUnavailable() {
        TransactionStateStreams notStarted = new TransactionStateStreams(
                SiteConfiguration.load(Map.of("SITE_NAME", "observatory", "SITE_TYPE", "secondary")::get),
                new SecondaryKafkaClients(new SimpleMeterRegistry()));
        TransactionStateView view = notStarted.transactions().view();

        for (Consumer<TransactionStateView> read : READS) {
            assertThatThrownBy(() -> read.accept(view))
                    .isInstanceOf(SiteUnavailableException.class)
                    .hasCauseInstanceOf(StateStoreNotAvailableException.class);
        }
        assertThat(notStarted.isRunning()).isFalse();
    }

    @Test
    void aLookupInAStoreReopenedUnderTheReadIsTheSiteUnavailableNotAnUnknownTransaction() {
        StoreReadiness readiness = new StoreReadiness();
        TaskId task = new TaskId(0, 0);
        readiness.onChange(KafkaStreams.State.REBALANCING, KafkaStreams.State.CREATED);
        readiness.started(task);
        readiness.onChange(KafkaStreams.State.RUNNING, KafkaStreams.State.REBALANCING);
        // Admitted while readable; meanwhile the task is fenced and its stores reopened empty and restored.
        ReadOnlyKeyValueStore<String, byte[]> reopenedEmpty = new EmptyStore<>(() -> {
            readiness.stopped(task);
            readiness.onChange(KafkaStreams.State.REBALANCING, KafkaStreams.State.RUNNING);
            readiness.started(task);
            readiness.onChange(KafkaStreams.State.RUNNING, KafkaStreams.State.REBALANCING);
        });
        TransactionStateView view = new TransactionStateView(new TransactionStateView.Stores() {
            @Override
            @SuppressWarnings("unchecked")
            public <K, V> ReadOnlyKeyValueStore<K, V> get(String name) {
                return (ReadOnlyKeyValueStore<K, V>) reopenedEmpty;
            }

            @Override
            public <T> T read(Supplier<T> read) {
                return readiness.guard(read);
            }
        });

        assertThatThrownBy(() -> view.find("t1"))
                .isInstanceOf(SiteUnavailableException.class)
                .hasCauseInstanceOf(StateStoreNotAvailableException.class);
    }

    /** A store with nothing in it, which runs {@code meanwhile} before each lookup answers. */
    private record EmptyStore<K, V>(Runnable meanwhile) implements ReadOnlyKeyValueStore<K, V> {

        @Override
        public V get(K key) {
            meanwhile.run();
            return null;
        }

        @Override
        public KeyValueIterator<K, V> range(K from, K to) {
            throw new UnsupportedOperationException("only lookups are read here");
        }

        @Override
        public KeyValueIterator<K, V> all() {
            throw new UnsupportedOperationException("only lookups are read here");
        }

        @Override
        public long approximateNumEntries() {
            throw new UnsupportedOperationException("only lookups are read here");
        }
    }

    /** A store closed under the reader: each read, and each iterator step, fails as Streams' stores then do. */
    private static final class ClosingStore<K, V> implements ReadOnlyKeyValueStore<K, V> {

        private final Supplier<InvalidStateStoreException> problem;

        ClosingStore(Supplier<InvalidStateStoreException> problem) {
            this.problem = problem;
        }

        @Override
        public V get(K key) {
            throw problem.get();
        }

        @Override
        public KeyValueIterator<K, V> range(K from, K to) {
            return new ClosingIterator();
        }

        @Override
        public KeyValueIterator<K, V> all() {
            return new ClosingIterator();
        }

        @Override
        public <PS extends org.apache.kafka.common.serialization.Serializer<P>, P> KeyValueIterator<K, V> prefixScan(
                P prefix, PS prefixKeySerializer) {
            return new ClosingIterator();
        }

        @Override
        public long approximateNumEntries() {
            throw problem.get();
        }

        private final class ClosingIterator implements KeyValueIterator<K, V> {

            @Override
            public boolean hasNext() {
                throw problem.get();
            }

            @Override
            public KeyValue<K, V> next() {
                throw problem.get();
            }

            @Override
            public K peekNextKey() {
                throw problem.get();
            }

            @Override
            public void close() {}
        }
    }
}
