package io.opsdb.relay.infra;

import io.opsdb.relay.infra.process.Await;
import io.opsdb.relay.infra.process.WorkDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sites added to a stack while it runs, asked for from another terminal ({@code bin/relay up --sites ...}): the
 * request is a file in {@code <workdir>/requests/}, the launcher, which watches that directory, adds the sites to its
 * stack ({@link LocalStack#addSites}) without touching the running components, and answers with a file of one line.
 * The launcher then owns the new components as it owns the others, so {@code bin/relay stop} stops them with the rest.
 *
 * <p>A request is {@code <id>.request} holding the sites, comma-separated; the answer {@code <id>.added} or
 * {@code <id>.failed} holding what happened. Both are written to a temporary name and moved into place, so that no
 * side reads half a file.
 */
public final class SiteAdditions {

    private static final Logger LOG = LoggerFactory.getLogger(SiteAdditions.class);
    private static final String REQUEST = ".request";
    private static final String ADDED = ".added";
    private static final String FAILED = ".failed";

    private final Path directory;

    public SiteAdditions(WorkDirectory workDir) {
        this.directory = workDir.requests();
    }

    /**
     * What the launcher answered.
     *
     * @param added   whether the sites run now
     * @param message one line: the sites added, or why not
     */
    public record Answer(boolean added, String message) {}

    /**
     * Asks the running launcher to add {@code sites} and waits for its answer.
     *
     * @param launcher the launcher of the stack, which must run
     * @param timeout  how long an addition may take: the new components' starts, one kind after another
     * @throws StackException if the launcher ends, or does not answer within {@code timeout}
     */
    public Answer request(SiteList sites, ProcessHandle launcher, Duration timeout) {
        String id = UUID.randomUUID().toString();
        write(directory.resolve(id + REQUEST), sites.toString());
        Path added = directory.resolve(id + ADDED);
        Path failed = directory.resolve(id + FAILED);
        try {
            Await.until(
                    () -> {
                        if (Files.exists(added) || Files.exists(failed)) {
                            return true;
                        }
                        if (!launcher.isAlive()) {
                            throw new StackException(
                                    "the stack's launcher (pid " + launcher.pid() + ") ended before it added " + sites);
                        }
                        return false;
                    },
                    timeout,
                    "the stack's launcher (pid " + launcher.pid() + ") answered the request to add sites " + sites);
            boolean ok = Files.exists(added);
            return new Answer(ok, read(ok ? added : failed));
        } finally {
            delete(directory.resolve(id + REQUEST));
            delete(added);
            delete(failed);
        }
    }

    /**
     * Serves requests until the thread is interrupted (or the JVM ends): each is answered once its sites run or their
     * addition failed. Requests older than this launcher, left from one that ended, are discarded: the terminal that
     * made them has given up.
     *
     * @param addition adds the sites asked for to the running stack ({@link LocalStack#addSites}) and says what it
     *                 did in one line; an exception is the failure it answers with
     * @param report   told the answer to each request served
     */
    public void serve(Function<SiteList, String> addition, Consumer<String> report) {
        try {
            Files.createDirectories(directory);
            Instant launched = ProcessHandle.current().info().startInstant().orElse(Instant.EPOCH);
            for (Path request : pending()) {
                if (Files.getLastModifiedTime(request).toInstant().isBefore(launched)) {
                    LOG.warn("Discarding {}, a request to a launcher that has ended", request);
                    delete(request);
                }
            }
            try (WatchService watcher = directory.getFileSystem().newWatchService()) {
                // A request moved into place is a creation to the watcher.
                directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
                while (!Thread.currentThread().isInterrupted()) {
                    // Whatever the events say, the directory says what is pending: an overflow loses no request.
                    for (Path request : pending()) {
                        report.accept(serve(addition, request));
                    }
                    WatchKey key = watcher.take();
                    key.pollEvents();
                    key.reset();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + directory + ": " + e.getMessage(), e);
        }
    }

    private String serve(Function<SiteList, String> addition, Path request) {
        String id = request.getFileName().toString().replace(REQUEST, "");
        Optional<String> text = Optional.empty();
        String answer;
        boolean ok;
        try {
            text = Optional.of(read(request));
            answer = addition.apply(SiteList.parse(text.get()));
            ok = true;
        } catch (RuntimeException e) {
            ok = false;
            answer = "could not add " + text.orElse("sites") + ": "
                    + (e instanceof StackException || e instanceof IllegalArgumentException
                            ? e.getMessage()
                            : Await.oneLine(e));
            LOG.warn(answer);
        }
        delete(request);
        write(directory.resolve(id + (ok ? ADDED : FAILED)), answer);
        return answer;
    }

    private List<Path> pending() throws IOException {
        List<Path> requests = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + REQUEST)) {
            files.forEach(requests::add);
        }
        return requests;
    }

    private void write(Path file, String text) {
        try {
            Files.createDirectories(directory);
            Path temporary = directory.resolve(file.getFileName() + ".tmp");
            Files.writeString(temporary, text + "\n");
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file + ": " + e.getMessage(), e);
        }
    }
}
