package io.opsdb.relay.infra;

import io.opsdb.relay.infra.process.Await;
import io.opsdb.relay.infra.process.LauncherPidFile;
import io.opsdb.relay.infra.process.PidFiles;
import io.opsdb.relay.infra.process.Processes;
import io.opsdb.relay.infra.process.WorkDirectory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The stack in a work directory as another terminal sees it: the launcher in {@code launcher.pid}, each component
 * in {@code pids/<component>.pid}, the ports and sites in {@code stack.properties} (those of the configuration until
 * the first start completed). What {@code bin/relay stop} and {@code bin/relay status} work from.
 */
public final class StackProcesses {

    /** The launcher's own line in {@link #status()}. */
    public static final String LAUNCHER = "launcher";

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    /** A leftover broker's controlled shutdown or a MirrorMaker offset commit may take a few seconds. */
    private static final Duration LEFTOVER_GRACE = Duration.ofSeconds(30);

    /** What a component's line says about it. */
    public enum State {
        /** Its process runs and its port accepts connections (an application: {@code /health} answers). */
        ANSWERS("answers"),
        /** Its process runs, but its port does not answer (yet). */
        NOT_ANSWERING("not answering"),
        /** Its process runs; it has no port to ask (MirrorMaker 2, the launcher). */
        RUNNING("running"),
        /** No process of this stack runs for it. */
        STOPPED("stopped");

        private final String label;

        State(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One line of {@code bin/relay status}.
     *
     * @param site   the site the component belongs to; "-" for the launcher
     * @param detail what else the probe saw, e.g. {@code "health 503"}; empty if nothing
     */
    public record ComponentStatus(
            String name, String site, OptionalLong pid, OptionalInt port, State state, String detail) {

        private static final String FORMAT = "%-20s %-12s %-8s %-6s %s";

        /** The heading of the {@link #line()}s' columns. */
        public static final String HEADING =
                String.format(Locale.ROOT, FORMAT, "component", "site", "pid", "port", "state");

        /** {@code name site pid port state}, aligned; "-" for a pid or port there is none of. */
        public String line() {
            // A name longer than its column (a secondary's MirrorMaker into cologne) pushes the rest of its line right.
            return String.format(
                    Locale.ROOT,
                    FORMAT,
                    name,
                    site,
                    pid.isPresent() ? String.valueOf(pid.getAsLong()) : "-",
                    port.isPresent() ? String.valueOf(port.getAsInt()) : "-",
                    state.label() + (detail.isEmpty() ? "" : " (" + detail + ")"));
        }
    }

    /**
     * What {@link #stop} did.
     *
     * @param launcherPid the launcher it signalled, if one ran
     * @param leftovers   the components it stopped itself because no launcher was left to stop them
     */
    public record StopReport(OptionalLong launcherPid, List<String> leftovers) {

        public boolean nothingRan() {
            return launcherPid.isEmpty() && leftovers.isEmpty();
        }
    }

    private final WorkDirectory workDir;
    private final SiteList sites;
    private final Map<String, Integer> ports = new HashMap<>();
    private final Set<String> applications = new HashSet<>();
    private final StackPorts stackPorts;
    private final LauncherPidFile launcher;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();

    public StackProcesses(StackConfig config) {
        this.workDir = new WorkDirectory(config.workDir());
        Optional<StackManifest> manifest = StackManifest.read(config.workDir());
        this.sites = manifest.map(StackManifest::sites).orElse(config.sites().orElse(SiteList.DEFAULT));
        this.stackPorts = manifest.map(StackManifest::ports).orElse(config.ports());
        // A controller's claim names its broker too ("kafka-cologne controller"): only the components' own count.
        this.stackPorts.claims(sites, true).forEach(claim -> ports.putIfAbsent(claim.owner(), claim.port()));
        applications.add(SecondarySite.MAIN_APP);
        sites.secondaries().forEach(site -> applications.add(site.app()));
        this.launcher = new LauncherPidFile(workDir.launcherPidFile());
    }

    /** The secondary sites of the stack: those it was made with, else those of the configuration. */
    public SiteList sites() {
        return sites;
    }

    /** The stack's ports: those it was made with, else those of the configuration. */
    public StackPorts ports() {
        return stackPorts;
    }

    /** The launcher, if it runs. */
    public Optional<ProcessHandle> launcher() {
        return launcher.running();
    }

    /** The launcher's line, then one line per component in start order. */
    public List<ComponentStatus> status() {
        List<ComponentStatus> lines = new ArrayList<>();
        Optional<ProcessHandle> launcherProcess = launcher();
        lines.add(new ComponentStatus(
                LAUNCHER,
                "-",
                pidOf(launcherProcess),
                OptionalInt.empty(),
                launcherProcess.isPresent() ? State.RUNNING : State.STOPPED,
                ""));
        for (String name : sites.componentNames()) {
            lines.add(status(name));
        }
        return lines;
    }

    private ComponentStatus status(String name) {
        String site = sites.siteOf(name).orElse("-");
        Optional<ProcessHandle> process = component(name);
        OptionalInt port = portOf(name);
        if (process.isEmpty()) {
            return new ComponentStatus(name, site, OptionalLong.empty(), port, State.STOPPED, "");
        }
        if (port.isEmpty()) {
            return new ComponentStatus(name, site, pidOf(process), port, State.RUNNING, "");
        }
        if (applications.contains(name)) {
            OptionalInt health = health(port.getAsInt());
            if (health.isEmpty()) {
                return new ComponentStatus(name, site, pidOf(process), port, State.NOT_ANSWERING, "");
            }
            return new ComponentStatus(
                    name,
                    site,
                    pidOf(process),
                    port,
                    State.ANSWERS,
                    health.getAsInt() == 200 ? "" : "health " + health.getAsInt());
        }
        return new ComponentStatus(
                name, site, pidOf(process), port, accepts(port.getAsInt()) ? State.ANSWERS : State.NOT_ANSWERING, "");
    }

    /**
     * Stops the stack: SIGTERM to its launcher, whose shutdown hook stops the components in order, then waits until
     * the launcher and every component are gone. Components left without a launcher (it crashed, or was killed)
     * are stopped from their pid files, in reverse start order, each killed if it does not exit within 30 s.
     *
     * @throws StackException naming what still runs, if the launcher has not stopped the stack within {@code timeout}
     */
    public StopReport stop(Duration timeout) {
        Optional<ProcessHandle> launcherProcess = launcher();
        launcherProcess.ifPresent(process -> {
            process.destroy();
            try {
                Await.until(
                        () -> !process.isAlive() && runningComponents().isEmpty(),
                        timeout,
                        "the launcher stopped the stack");
            } catch (StackException e) {
                List<String> running = new ArrayList<>();
                if (process.isAlive()) {
                    running.add(LAUNCHER + " (pid " + process.pid() + ")");
                }
                runningComponents()
                        .forEach(name -> running.add(name + " (pid "
                                + component(name)
                                        .map(ProcessHandle::pid)
                                        .map(String::valueOf)
                                        .orElse("-") + ")"));
                throw new StackException(
                        "the stack in " + workDir.root() + " did not stop within " + timeout.toSeconds()
                                + " s; still running: " + String.join(", ", running) + "; see " + workDir.logs(),
                        e);
            }
        });
        List<String> leftovers = new ArrayList<>();
        List<String> reverse = new ArrayList<>(sites.componentNames());
        Collections.reverse(reverse);
        for (String name : reverse) {
            component(name).ifPresent(process -> {
                Processes.terminate(process, LEFTOVER_GRACE);
                leftovers.add(name);
            });
        }
        return new StopReport(pidOf(launcherProcess), List.copyOf(leftovers));
    }

    /** The components whose processes run, in start order. */
    public List<String> runningComponents() {
        return sites.componentNames().stream()
                .filter(name -> component(name).isPresent())
                .toList();
    }

    private Optional<ProcessHandle> component(String name) {
        return PidFiles.running(workDir.pidFile(name), workDir.root());
    }

    private OptionalInt portOf(String name) {
        Integer port = ports.get(name);
        return port == null ? OptionalInt.empty() : OptionalInt.of(port);
    }

    private static OptionalLong pidOf(Optional<ProcessHandle> process) {
        return process.map(p -> OptionalLong.of(p.pid())).orElse(OptionalLong.empty());
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) PROBE_TIMEOUT.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The HTTP status of {@code GET /health}, or empty if the application does not answer. */
    private OptionalInt health(int port) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(PROBE_TIMEOUT)
                .GET()
                .build();
        try {
            return OptionalInt.of(
                    http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
        } catch (IOException e) {
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        }
    }
}
