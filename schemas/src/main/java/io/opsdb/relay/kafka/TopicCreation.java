package io.opsdb.relay.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creating a topic the relay needs on a cluster whose brokers do not create topics by themselves. */
public final class TopicCreation {

    private TopicCreation() {}

    /**
     * Creates {@code topic} unless it exists (an existing one is left as it is).
     *
     * @return true if this call created it
     * @throws IllegalStateException if the cluster refuses it or does not answer within {@code timeout}
     */
    public static boolean createUnlessExists(Map<String, Object> adminConfig, NewTopic topic, Duration timeout) {
        try (Admin admin = Admin.create(adminConfig)) {
            admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw new IllegalStateException(
                    "cannot create " + topic.name() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "cannot create " + topic.name() + ": the cluster did not answer within " + timeout.toSeconds()
                            + " s",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + topic.name(), e);
        }
    }
}
