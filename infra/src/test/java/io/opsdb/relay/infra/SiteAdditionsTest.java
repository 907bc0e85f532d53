package io.opsdb.relay.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsdb.relay.infra.process.Await;
import io.opsdb.relay.infra.process.Processes;
import io.opsdb.relay.infra.process.WorkDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The request and answer between {@code bin/relay up --sites} and the launcher of a running stack. */
class SiteAdditionsTest {

    @TempDir
    Path root;

    private final List<SiteList> asked = new CopyOnWriteArrayList<>();
    private final List<String> reported = new CopyOnWriteArrayList<>();
    private Thread launcher;
    private Process otherLauncher;

    @AfterEach
    void stopLauncher() throws InterruptedException {
        if (launcher != null) {
            launcher.interrupt();
            launcher.join(10_000);
        }
        if (otherLauncher != null) {
            Processes.killWithDescendants(otherLauncher.toHandle());
        }
    }

    private SiteAdditions additions() {
        return new SiteAdditions(new WorkDirectory(root));
    }

    /** A launcher that adds by {@code addition}. */
    private void aLauncherServing(Function<SiteList, String> addition) throws Exception {
        launcher = new Thread(() -> additions().serve(addition, reported::add), "launcher");
        launcher.start();
        Await.until(() -> Files.isDirectory(root.resolve("requests")), Duration.ofSeconds(10), "the launcher serves");
    }

    @Test
    void theLauncherAddsTheSitesAskedForAndAnswersWhatItDid() throws Exception {
        aLauncherServing(sites -> {
            asked.add(sites);
            return "added " + sites;
        });

        SiteAdditions.Answer answer = additions()
                .request(SiteList.parse("observatory,summit"), ProcessHandle.current(), Duration.ofSeconds(30));

        assertThat(answer).isEqualTo(new SiteAdditions.Answer(true, "added observatory,summit"));
        assertThat(asked).containsExactly(SiteList.parse("observatory,summit"));
        assertThat(reported).containsExactly("added observatory,summit");
        try (var left = Files.list(root.resolve("requests"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aFailedAdditionIsAnsweredWithItsReasonAndTheLauncherServesTheNext() throws Exception {
        aLauncherServing(sites -> {
            if (sites.names().contains("lab")) {
                throw new StackException("port 8011 (lab-app) is already in use");
            }
            return "added " + sites;
        });

        SiteAdditions.Answer failed =
                additions().request(SiteList.parse("observatory,lab"), ProcessHandle.current(), Duration.ofSeconds(30));
        SiteAdditions.Answer next = additions()
                .request(SiteList.parse("observatory,summit"), ProcessHandle.current(), Duration.ofSeconds(30));

        assertThat(failed)
                .isEqualTo(new SiteAdditions.Answer(
                        false, "could not add observatory,lab: port 8011 (lab-app) is already in use"));
        assertThat(next.added()).isTrue();
    }

    @Test
    void requestsLeftByATerminalThatGaveUpAreDiscardedWhenALauncherStarts() throws Exception {
        Path requests = root.resolve("requests");
        Files.createDirectories(requests);
        Path stale = Files.writeString(requests.resolve("stale.request"), "observatory,stale\n");
        Files.setLastModifiedTime(
                stale,
                FileTime.from(ProcessHandle.current()
                        .info()
                        .startInstant()
                        .orElseThrow()
                        .minusSeconds(60)));

        aLauncherServing(sites -> {
            asked.add(sites);
            return "added";
        });
        additions().request(SiteList.parse("observatory,summit"), ProcessHandle.current(), Duration.ofSeconds(30));

        assertThat(asked).containsExactly(SiteList.parse("observatory,summit"));
        assertThat(stale).doesNotExist();
    }

    @Test
    void aLauncherThatEndsWithoutAnsweringIsReported() throws IOException {
        otherLauncher = new ProcessBuilder("sleep", "1").start();

        assertThatThrownBy(() -> additions()
                        .request(
                                SiteList.parse("observatory,summit"), otherLauncher.toHandle(), Duration.ofSeconds(30)))
                .isInstanceOf(StackException.class)
                .hasMessage("the stack's launcher (pid " + otherLauncher.pid()
                        + ") ended before it added observatory,summit");
        try (var left = Files.list(root.resolve("requests"))) {
            assertThat(left).as("the request is withdrawn").isEmpty();
        }
    }
}
