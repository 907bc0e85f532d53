package io.opsdb.relay.main.internal.apply;

import io.opsdb.relay.role.OriginSiteFigures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One applier per origin site at the main site, so that the sites are applied in parallel and none can delay another:
 * each site's mirrored commands ({@code <site>.ops.commands}, one partition) are consumed by a listener container
 * of their own, in a consumer group of their own, with a back-off of their own. A poison command, a held lock or a
 * transient failure at one site pauses that site's applier only; within a site the order is the topic's, as before.
 *
 * <p>Sites are found, not configured: every {@link #DISCOVERY_INTERVAL} the main cluster's topics are listed, and each
 * new mirrored commands topic gets its applier (MirrorMaker 2 creates the topic when a site's flow starts, so a site
 * added to a running deployment is applied within one interval, with no restart). A topic whose site name is not a
 * valid site name, or is the main site's own, is refused ({@link MirroredCommandTopic}): logged once with the reason,
 * and its waiting commands are counted, never applied. The same pass refreshes how many commands wait at each site.
 */
public final class SiteAppliers {

    /** How often the main cluster's topics are listed for new sites, and each site's waiting commands counted. */
    public static final Duration DISCOVERY_INTERVAL = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(SiteAppliers.class);

    /** The main site's Kafka cluster, as far as the appliers need it. */
    public interface Cluster {

        /** The names of the cluster's topics. */
        Set<String> topics() throws Exception;

        /**
         * For each site's topic, by topic name: the commands after the position its applier committed (all the topic
         * holds when that applier has committed none, or for a refused site, which has no applier).
         */
        Map<String, Long> waiting(List<OriginSite> sites) throws Exception;
    }

    /** Starts and watches one origin site's applier (a listener container). */
    public interface Launcher {

        /** Starts {@code site}'s applier; throws when it could not (the next pass tries again). */
        void launch(OriginSite site) throws Exception;

        boolean isRunning(OriginSite site);
    }

    /**
     * An origin site found on the main cluster.
     *
     * @param backOff its applier's back-off; null for a refused site, which has no applier
     */
    public record OriginSite(MirroredCommandTopic topic, PausingBackOff backOff) {

        public String name() {
            return topic.site();
        }

        /** Its listener container's id: {@value MirroredCommandListener#ID}{@code -<site>}. */
        public String containerId() {
            return MirroredCommandListener.ID + "-" + name();
        }

        /** Its applier's consumer group: {@value MirroredCommandListener#GROUP}{@code -<site>}. */
        public String groupId() {
            return MirroredCommandListener.GROUP + "-" + name();
        }
    }

    private final String mainSite;
    private final Cluster cluster;
    private final Launcher launcher;
    private final Function<String, PausingBackOff> backOffs;
    private final ApplyListener listener;
    private final Map<String, OriginSite> found = new ConcurrentHashMap<>();
    private final Set<String> launched = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> waiting = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService discovery;
    private volatile boolean clusterAnswers;

    /**
     * @param mainSite this site's own name, which no origin site may have
     * @param backOffs a new back-off for the named site's applier
     * @param listener told of each site found
     */
    public SiteAppliers(
            String mainSite,
            Cluster cluster,
            Launcher launcher,
            Function<String, PausingBackOff> backOffs,
            ApplyListener listener) {
        this.mainSite = mainSite;
        this.cluster = cluster;
        this.launcher = launcher;
        this.backOffs = backOffs;
        this.listener = listener;
    }

    /** Starts finding sites and starting their appliers, at once and then every {@link #DISCOVERY_INTERVAL}. */
    public synchronized void start() {
        if (discovery == null) {
            discovery = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "site-appliers");
                thread.setDaemon(true);
                return thread;
            });
            discovery.scheduleWithFixedDelay(
                    this::discoverQuietly, 0, DISCOVERY_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Stops finding sites; the appliers themselves are stopped with the application's listener containers. */
    public synchronized void stop() {
        if (discovery != null) {
            discovery.shutdownNow();
            discovery = null;
        }
    }

    public boolean isStarted() {
        return discovery != null;
    }

    private void discoverQuietly() {
        try {
            discover();
        } catch (RuntimeException e) {
            // The next pass tries again; a scheduled task that threw would never run again.
            LOG.warn("Finding the sites' commands failed: {}", e.toString());
        }
    }

    /** One pass: lists the cluster's topics, starts the applier of each new site, refuses the invalid ones, counts. */
    void discover() {
        Set<String> topics;
        try {
            topics = cluster.topics();
            clusterAnswers = true;
        } catch (Exception e) {
            if (clusterAnswers) {
                LOG.warn("Cannot list the main cluster's topics to find the sites' commands: {}", e.toString());
            }
            clusterAnswers = false;
            return;
        }
        for (String name : topics.stream().sorted().toList()) {
            MirroredCommandTopic.of(name, mainSite).ifPresent(this::found);
        }
        for (OriginSite site : found.values()) {
            if (site.backOff() != null && !launched.contains(site.name())) {
                launch(site);
            }
        }
        try {
            waiting.putAll(cluster.waiting(List.copyOf(found.values())));
        } catch (Exception e) {
            LOG.debug("Cannot count the sites' waiting commands now: {}", e.toString());
        }
    }

    private void found(MirroredCommandTopic topic) {
        if (found.containsKey(topic.site())) {
            return;
        }
        if (topic.refused()) {
            // Once per topic: its commands are never applied, and the refused figures keep counting them.
            LOG.error(
                    "Refusing the commands of {}: {}; none of them is applied (rename the site: its SITE_NAME and"
                            + " MirrorMaker 2 alias)",
                    topic.topic(),
                    topic.refusal());
            found.put(topic.site(), new OriginSite(topic, null));
        } else {
            LOG.info(
                    "Found the commands of site {} ({}): applying them with an applier of their own",
                    topic.site(),
                    topic.topic());
            found.put(topic.site(), new OriginSite(topic, backOffs.apply(topic.site())));
        }
        listener.originSiteFound(topic.site());
    }

    private void launch(OriginSite site) {
        try {
            launcher.launch(site);
            launched.add(site.name());
        } catch (Exception e) {
            LOG.warn(
                    "Cannot start the applier of site {} now (trying again in {} s): {}",
                    site.name(),
                    DISCOVERY_INTERVAL.toSeconds(),
                    e.toString());
        }
    }

    /** The sites found so far, applied or refused, by name. */
    public List<OriginSite> sites() {
        return found.values().stream()
                .sorted(Comparator.comparing(OriginSite::name))
                .toList();
    }

    /** True when at least one site's commands are applied here. */
    public boolean hasAppliedSites() {
        return found.values().stream().anyMatch(site -> site.backOff() != null);
    }

    /** True when the last listing of the main cluster's topics succeeded. */
    public boolean clusterAnswers() {
        return clusterAnswers;
    }

    /** True when any site's applier waits out a pause after its retries. */
    public boolean anyPaused() {
        return found.values().stream()
                .anyMatch(site -> site.backOff() != null && site.backOff().isPaused());
    }

    /** True when finding sites runs and every applied site's applier runs. */
    public boolean allRunning() {
        return isStarted()
                && found.values().stream()
                        .filter(site -> site.backOff() != null)
                        .allMatch(launcher::isRunning);
    }

    /** Each site's figures, by name. */
    public List<OriginSiteFigures> figures() {
        List<OriginSiteFigures> figures = new ArrayList<>();
        for (OriginSite site : sites()) {
            figures.add(new OriginSiteFigures(
                    site.name(),
                    state(site),
                    waiting.get(site.topic().topic()),
                    site.topic().refusal()));
        }
        return figures;
    }

    private OriginSiteFigures.State state(OriginSite site) {
        if (site.backOff() == null) {
            return OriginSiteFigures.State.REFUSED;
        }
        if (!launched.contains(site.name()) || !launcher.isRunning(site)) {
            return OriginSiteFigures.State.STOPPED;
        }
        return site.backOff().isPaused() ? OriginSiteFigures.State.PAUSED : OriginSiteFigures.State.APPLYING;
    }
}
