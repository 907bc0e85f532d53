package io.opsdb.relay.systemtest.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.kafka.RelayLimits;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * I9 for sizes: the largest write the API accepts flows through every hop (the observatory's producer and broker,
 * MirrorMaker 2, the mirrored topic, the applier, Debezium and the observatory's transaction state stores) and
 * ends VISIBLE; the site keeps settling later writes. Each write is as large as {@link RelayLimits} lets it be,
 * every field at its longest, text in characters of 4-byte UTF-8 where it fits.
 */
@ExtendWith(TwoSiteStack.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class MaximalWriteIT {

    private static final Logger LOG = LoggerFactory.getLogger(MaximalWriteIT.class);
    private static final String EMOJI = "\uD83D\uDD2D"; // U+1F52D: one character, 4 bytes in UTF-8
    private static final int MAX_FILES = 10_000;
    private static final int MAX_PATH = 1024;
    private static final int MAX_OPERATIONS = 10_000;
    private static final String CHECKSUM = "f".repeat(128);
    private static final Pattern TOO_LARGE = Pattern.compile("is (\\d+) bytes as a command, more than (\\d+)");
    private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(4);

    private static SiteHttp observatory;
    private static String unitId;
    private static String packageId;

    @BeforeAll
    static void aPackage() throws Exception {
        observatory = new SiteHttp(TwoSiteStack.stack().observatoryApi(), TwoSiteStack.token());
        String[] ids = unitAndPackage("maximal");
        unitId = ids[0];
        packageId = ids[1];
    }

    /** A new obs unit and a package of it, VISIBLE: their ids. */
    private static String[] unitAndPackage(String name) throws Exception {
        SiteHttp.Answer created = observatory.post(
                "/api/transactions",
                SiteHttp.map(
                        "operations",
                        List.of(
                                SiteHttp.map(
                                        "op",
                                        "create",
                                        "entity",
                                        "executed_obs_unit",
                                        "ref",
                                        "unit",
                                        "values",
                                        SiteHttp.map("obs_unit_id", "uid://" + name)),
                                SiteHttp.map(
                                        "op",
                                        "create",
                                        "entity",
                                        "raw_data_package",
                                        "ref",
                                        "pkg",
                                        "values",
                                        SiteHttp.map("executed_obs_unit_id", "$unit", "name", name)))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(observatory.whenSettled(created.text("transaction_id")).text("state"))
                .isEqualTo("VISIBLE");
        return new String[] {
            created.json().get("ids").get("unit").asText(),
            created.json().get("ids").get("pkg").asText()
        };
    }

    @Test
    void theLargestBulkTheApiAcceptsBecomesVisibleAndTheSiteKeepsSettling() throws Exception {
        String accepted = acceptedAtTheLimit(
                bytes -> bulk(packageId, MAX_FILES, bytes), largestPathBytes(), MAX_FILES, "/raw_data_files/bulk");

        try (Connection primary = TwoSiteStack.primary();
                PreparedStatement files = primary.prepareStatement(
                        "SELECT count(*), max(char_length(path)), max(octet_length(path)) FROM raw_data_file WHERE raw_data_package_id = CAST(? AS uuid)")) {
            files.setString(1, packageId);
            try (ResultSet row = files.executeQuery()) {
                row.next();
                assertThat(row.getLong(1))
                        .as("files of the maximal bulk at the primary")
                        .isEqualTo(MAX_FILES);
                assertThat(row.getInt(2)).as("longest path, characters").isLessThanOrEqualTo(MAX_PATH);
                assertThat(row.getInt(3))
                        .as("longest path in bytes: stored as 4-byte characters")
                        .isGreaterThan(3 * row.getInt(2));
            }
        }
        theSiteStillSettlesASmallWrite(accepted);
    }

    /**
     * Several clients posting near-maximal bulks at once: each takes several times its 8 MiB on the heap until it is
     * acknowledged, and four at once ended observatory-app (192 MiB of heap) with an OutOfMemoryError, after which
     * every write of the site was refused. Now they are handled in turn ({@code LargeBodyBudget}): each is
     * acknowledged, or answered 503 with Retry-After and then acknowledged when sent again, and all become VISIBLE.
     */
    @Test
    void fourClientsPostingNearlyTheLargestBulkAtOnceAreAllAcknowledgedAndTheSiteStaysUp() throws Exception {
        String concurrentPackage = unitAndPackage("maximal-concurrent")[1];
        // A twenty-fifth below the first guess at the limit, which the command's own overhead puts above it.
        int pathBytes = largestPathBytes() * 24 / 25;
        String json = bulk(concurrentPackage, MAX_FILES, pathBytes);
        int clients = 4;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<List<SiteHttp.Answer>>> posted = new ArrayList<>();
        try {
            for (int c = 0; c < clients; c++) {
                posted.add(pool.submit(() -> {
                    List<SiteHttp.Answer> answers = new ArrayList<>();
                    for (int attempt = 0; attempt < 30; attempt++) {
                        SiteHttp.Answer answer = observatory.postRaw("/raw_data_files/bulk", json);
                        answers.add(answer);
                        if (answer.status() != 503) {
                            break;
                        }
                        Thread.sleep(1_000); // the Retry-After it was given
                    }
                    return answers;
                }));
            }
            List<String> accepted = new ArrayList<>();
            int refusedFirst = 0;
            for (Future<List<SiteHttp.Answer>> future : posted) {
                List<SiteHttp.Answer> answers = future.get(8, TimeUnit.MINUTES);
                for (SiteHttp.Answer refused : answers.subList(0, answers.size() - 1)) {
                    assertThat(refused.status()).as(abbreviated(refused.body())).isEqualTo(503);
                    assertThat(refused.body()).contains("Nothing was read or accepted");
                    refusedFirst++;
                }
                SiteHttp.Answer last = answers.get(answers.size() - 1);
                assertThat(last.status())
                        .as("a near-maximal bulk of " + utf8(json) + " bytes, one of " + clients
                                + " at once, is acknowledged: " + abbreviated(last.body()))
                        .isEqualTo(201);
                accepted.add(last.text("transaction_id"));
            }
            LOG.info(
                    "{} bulks of {} bytes at once: {} answers 503 before they were acknowledged",
                    clients,
                    utf8(json),
                    refusedFirst);
            for (String transactionId : accepted) {
                assertThat(settled(transactionId)).as("bulk " + transactionId).isEqualTo("VISIBLE");
            }
        } finally {
            pool.shutdownNow();
        }
        try (Connection primary = TwoSiteStack.primary();
                PreparedStatement files = primary.prepareStatement(
                        "SELECT count(*) FROM raw_data_file WHERE raw_data_package_id = CAST(? AS uuid)")) {
            files.setString(1, concurrentPackage);
            try (ResultSet row = files.executeQuery()) {
                row.next();
                assertThat(row.getLong(1))
                        .as("files of the concurrent bulks at the primary")
                        .isEqualTo(clients * MAX_FILES);
            }
        }
        theSiteStillSettlesASmallWrite("concurrent");
    }

    @Test
    void theLargestAtomicTransactionTheApiAcceptsBecomesVisibleAndTheSiteKeepsSettling() throws Exception {
        // A unit and a package with every field at its longest, then as many files of 1,024 four-byte characters as
        // fit.
        String fixed = atomic(0);
        int perFile = utf8(atomic(1)) - utf8(fixed);
        int files = Math.min(MAX_OPERATIONS - 2, (RelayLimits.MAX_COMMAND_BYTES - 1024 - utf8(fixed)) / perFile);
        String accepted = acceptedAtTheLimit(this::atomic, files, perFile, "/api/transactions");
        theSiteStillSettlesASmallWrite(accepted);
    }

    /**
     * Posts {@code body(size)}; when it is refused as too large a command, posts it again shrunk by the excess the
     * refusal names (in units of {@code bytesPerUnit}), so the write that is accepted is the largest legal one. Waits
     * until it is VISIBLE and returns its transaction id.
     */
    private String acceptedAtTheLimit(IntFunction<String> body, int size, int bytesPerUnit, String path)
            throws Exception {
        for (int attempt = 0; attempt < 3; attempt++) {
            String json = body.apply(size);
            long started = System.nanoTime();
            SiteHttp.Answer answer = observatory.postRaw(path, json);
            if (answer.status() == 413) {
                Matcher excess = TOO_LARGE.matcher(answer.body());
                assertThat(excess.find())
                        .as("413 names the command size and the limit: " + answer.body())
                        .isTrue();
                long over = Long.parseLong(excess.group(1)) - Long.parseLong(excess.group(2));
                LOG.info("{} of {} bytes refused: {}", path, utf8(json), answer.body());
                size -= (int) ((over + bytesPerUnit - 1) / bytesPerUnit) + 1;
                continue;
            }
            assertThat(answer.status())
                    .as("the largest legal write is acknowledged: " + abbreviated(answer.body()))
                    .isEqualTo(201);
            String transactionId = answer.text("transaction_id");
            String state = settled(transactionId);
            LOG.info(
                    "{} of {} bytes ({} at the largest legal size): {} after {} ms",
                    path,
                    utf8(json),
                    size,
                    state,
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
            assertThat(state)
                    .as("the largest legal write, " + utf8(json) + " bytes, settles VISIBLE")
                    .isEqualTo("VISIBLE");
            return transactionId;
        }
        throw new AssertionError(path + ": no write near the limit was accepted in 3 attempts");
    }

    private static String settled(String transactionId) throws Exception {
        String[] state = new String[1];
        Conditions.waitFor(
                () -> {
                    state[0] = observatory.whenSettled(transactionId).text("state");
                    return "VISIBLE".equals(state[0]) || "FAILED".equals(state[0]);
                },
                SETTLE_TIMEOUT,
                Duration.ofSeconds(1),
                "transaction " + transactionId + " did not settle; last state " + state[0]);
        return state[0];
    }

    private static void theSiteStillSettlesASmallWrite(String after) throws Exception {
        SiteHttp.Answer small = observatory.post(
                "/executed_obs_units/start", SiteHttp.map("obs_unit_id", "uid://after-maximal-" + after));
        assertThat(small.status()).as(small.body()).isEqualTo(201);
        assertThat(settled(small.text("transaction_id")))
                .as("a small write after the maximal one")
                .isEqualTo("VISIBLE");
    }

    /** 10,000 files, each path as long as the body limit lets it be (within 1,024 characters): a first guess. */
    private static int largestPathBytes() {
        return 16 + (RelayLimits.MAX_COMMAND_BYTES - 1024 - utf8(bulk(packageId, MAX_FILES, 16))) / MAX_FILES;
    }

    /** A bulk of {@code files} files whose paths are {@code pathBytes} bytes of UTF-8, at most 1,024 characters. */
    private static String bulk(String pkg, int files, int pathBytes) {
        List<String> entries = new ArrayList<>(files);
        for (int i = 0; i < files; i++) {
            entries.add("{\"raw_data_package_id\":\"" + pkg + "\",\"path\":\"" + path(i, pathBytes)
                    + "\",\"size_bytes\":9223372036854775807,\"checksum\":\"" + CHECKSUM + "\"}");
        }
        return "{\"files\":[" + String.join(",", entries) + "]}";
    }

    /** A path of exactly {@code bytes} bytes of UTF-8 (11 at least), 4-byte characters but for the last few bytes. */
    private static String path(int index, int bytes) {
        String prefix = String.format("raw/%06d/", index);
        int left = Math.max(0, bytes - prefix.length());
        return prefix + EMOJI.repeat(left / 4) + "x".repeat(left % 4);
    }

    private String atomic(int files) {
        StringBuilder ops = new StringBuilder("{\"operations\":[");
        ops.append("{\"op\":\"create\",\"entity\":\"executed_obs_unit\",\"ref\":\"u\",\"values\":{\"obs_unit_id\":\"")
                .append(EMOJI.repeat(200))
                .append("\",\"instrument\":\"")
                .append(EMOJI.repeat(100))
                .append(
                        "\",\"status\":\"completed\",\"start_time\":\"2026-01-01T00:00:00.123456Z\",\"end_time\":\"9999-12-31T23:59:59.999999Z\",")
                .append("\"notes\":\"")
                .append(EMOJI.repeat(4000))
                .append("\"}},");
        ops.append(
                        "{\"op\":\"create\",\"entity\":\"raw_data_package\",\"ref\":\"p\",\"values\":{\"executed_obs_unit_id\":\"$u\",")
                .append("\"name\":\"")
                .append(EMOJI.repeat(200))
                .append("\",\"state\":\"transferring\"}}");
        for (int i = 0; i < files; i++) {
            ops.append(
                            ",{\"op\":\"create\",\"entity\":\"raw_data_file\",\"values\":{\"raw_data_package_id\":\"$p\",\"path\":\"")
                    .append(String.format("%06d", i))
                    .append(EMOJI.repeat(MAX_PATH - 6))
                    .append("\",\"size_bytes\":9223372036854775807,\"checksum\":\"")
                    .append(CHECKSUM)
                    .append("\"}}");
        }
        return ops.append("]}").toString();
    }

    private static int utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String abbreviated(String text) {
        return text.length() > 500 ? text.substring(0, 500) + "..." : text;
    }
}
