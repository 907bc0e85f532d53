package io.opsdb.relay.systemtest.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.systemtest.flow.ObservingPrograms;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page in a real browser (Debian's {@code chromium} in headless mode, driven through its
 * {@code chromium-driver}) during a WAN outage at the observatory: the in-flight count on the page rises and its plot
 * moves; a command made poison meanwhile (the observing program it references is deleted at Cologne, as in
 * {@code PoisonAndRetryIT}) ends FAILED with its reason on the page once the WAN is back, and Retry on the page, once
 * the cause is fixed, takes it out of FAILED until it is VISIBLE. The page as it shows the FAILED transaction is saved
 * as {@code docs/status-page.png}, the README's screenshot. The main site's page shows its appliers.
 */
@ExtendWith(TwoSiteStack.class)
@Order(FaultScenario.AFTER_THE_FLOW_TESTS + 1)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class StatusPageIT {

    /** Debian's paths; {@code -Drelay.it.chromium=...} and {@code -Drelay.it.chromedriver=...} for others. */
    private static final String CHROMIUM = System.getProperty("relay.it.chromium", "/usr/bin/chromium");

    private static final String CHROMEDRIVER = System.getProperty("relay.it.chromedriver", "/usr/bin/chromedriver");

    /** Writes buffered during the outage, besides the one made poison. */
    private static final int DURING_OUTAGE = 30;

    private static final Duration SETTLE = Duration.ofSeconds(90);
    /** The page samples every 10 s: a few samples, even on a loaded machine. */
    private static final Duration PLOT_MOVES = Duration.ofSeconds(60);
    /** MirrorMaker 2 restarts, the backlog drains and the poison's outcome comes back. */
    private static final Duration HEALED = Duration.ofMinutes(4);

    private final LocalStack stack = TwoSiteStack.stack();
    private final SiteHttp observatory = new SiteHttp(stack.observatoryApi(), TwoSiteStack.token());

    @Test
    void duringAWanOutageThePageShowsTheBacklogGrowAndRetriesAFailedTransactionOutOfFailed() throws Exception {
        String program = UUID.randomUUID().toString();
        ObservingPrograms.create(program, "status-page");
        Conditions.waitFor(
                () -> observatory.get("/observing_programs/" + program).status() == 200,
                SETTLE,
                "the program did not reach the observatory's replica");

        String run = UUID.randomUUID().toString().substring(0, 8);
        ChromeDriver browser = headlessChromium();
        List<String> cut = List.of(LocalStack.MM2_COLOGNE, LocalStack.MM2_OBSERVATORY);
        try {
            WebDriverWait wait = new WebDriverWait(browser, SETTLE);
            browser.get(stack.observatoryApi() + "/status");
            // Public: the site and its components show before any token is entered, its figures do not.
            wait.until(ExpectedConditions.textToBe(By.id("site-name"), "observatory"));
            assertThat(browser.findElement(By.id("in-flight")).getText()).isEqualTo("–");
            assertThat(browser.findElements(By.cssSelector("#components li[data-component=kafka]")))
                    .hasSize(1);

            browser.findElement(By.id("token")).sendKeys(TwoSiteStack.token());
            browser.findElement(By.id("token-use")).click();
            wait.until(page -> inFlightShown(page) >= 0
                    && !plot(page, "in-flight-plot", "last-at").isEmpty());
            assertThat(browser.getCurrentUrl()).as("no token in the URL").isEqualTo(stack.observatoryApi() + "/status");
            assertThat(browser.findElements(By.cssSelector("#in-flight-plot canvas")))
                    .as("uPlot, from its WebJar, drew the plot")
                    .isNotEmpty();
            String sampledBefore = plot(browser, "in-flight-plot", "last-at");

            String poison;
            cut.forEach(stack::stop);
            try {
                poison = startUnit("status-page/" + run + "/poison", program);
                for (int i = 0; i < DURING_OUTAGE; i++) {
                    startUnit("status-page/" + run + "/" + i, null);
                }
                // The cause, made at Cologne while the command waits in the observatory's buffer.
                ObservingPrograms.delete(program);

                new WebDriverWait(browser, PLOT_MOVES)
                        .withMessage("the page's in-flight count did not rise with the backlog")
                        .until(page -> inFlightShown(page) >= DURING_OUTAGE + 1);
                new WebDriverWait(browser, PLOT_MOVES)
                        .withMessage("the in-flight plot did not move to the backlog")
                        .until(page -> !plot(page, "in-flight-plot", "last-at").equals(sampledBefore)
                                && plotLast(page, "in-flight-plot") >= DURING_OUTAGE + 1);
                assertThat(Integer.parseInt(plot(browser, "in-flight-plot", "points")))
                        .isGreaterThanOrEqualTo(2);
            } finally {
                restart(cut);
            }

            By poisonRow = By.cssSelector("#failed-rows tr[data-transaction-id='" + poison + "']");
            WebElement row = new WebDriverWait(browser, HEALED)
                    .withMessage("the poison command did not show FAILED on the page")
                    .until(ExpectedConditions.visibilityOfElementLocated(poisonRow));
            assertThat(row.findElement(By.cssSelector("td.reason")).getText())
                    .contains("23503")
                    .contains("observing_program");
            // The drained backlog on the page and in its plot: the screenshot shows the outage's rise and fall.
            new WebDriverWait(browser, HEALED)
                    .withMessage("the backlog did not drain on the page")
                    .until(page -> inFlightShown(page) == 0 && plotLast(page, "in-flight-plot") == 0);
            screenshot(browser);

            // The cause is fixed at Cologne; the operator retries from the page.
            ObservingPrograms.create(program, "status-page");
            row.findElement(By.cssSelector("button.retry")).click();
            new WebDriverWait(browser, SETTLE)
                    .withMessage("the retried transaction stayed among the page's FAILED ones")
                    .until(ExpectedConditions.invisibilityOfElementLocated(poisonRow));
            assertThat(browser.findElement(By.id("message")).getText())
                    .startsWith("Retried " + poison + ": now ")
                    .contains("attempt 2");
            SiteHttp.Answer retried = observatory.whenSettled(poison);
            assertThat(retried.text("state")).as(retried.body()).isEqualTo("VISIBLE");
            assertThat(retried.json().get("attempt").asInt()).isEqualTo(2);
            assertThat(retried.text("retried_by")).isEqualTo("relay-service");

            // The same page at the main site: its appliers among the components, its history only with a token.
            assertThat(new SiteHttp(stack.mainApi(), null)
                            .get("/api/status/history")
                            .status())
                    .isEqualTo(401);
            browser.get(stack.mainApi() + "/status");
            wait.until(ExpectedConditions.textToBe(By.id("site-name"), "cologne"));
            browser.findElement(By.id("token")).sendKeys(TwoSiteStack.token());
            browser.findElement(By.id("token-use")).click();
            wait.until(ExpectedConditions.textToBe(By.id("in-flight"), "0"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("components"), "applier observatory"));
            assertThat(plot(browser, "apply-rate-plot", "points")).isNotEqualTo("0");
        } finally {
            browser.quit();
            restart(cut);
        }
    }

    private String startUnit(String obsUnitId, String program) throws Exception {
        Map<String, Object> body = SiteHttp.map("obs_unit_id", "uid://" + obsUnitId, "instrument", "camera");
        if (program != null) {
            body.put("observing_program_id", program);
        }
        SiteHttp.Answer accepted = observatory.post("/executed_obs_units/start", body);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(201);
        return accepted.text("transaction_id");
    }

    private void restart(List<String> components) {
        for (String name : components) {
            if (!stack.component(name).isRunning()) {
                stack.component(name).start();
            }
        }
    }

    /** The in-flight count the page shows; -1 while it shows none. */
    private static int inFlightShown(WebDriver page) {
        String shown = page.findElement(By.id("in-flight")).getText();
        return shown.matches("\\d+") ? Integer.parseInt(shown) : -1;
    }

    /** What a plot on the page shows ({@code data-points}, {@code data-last}, {@code data-last-at}). */
    private static String plot(WebDriver page, String id, String figure) {
        String value = page.findElement(By.id(id)).getDomAttribute("data-" + figure);
        return value == null ? "" : value;
    }

    /** The plot's newest value; -1 while it has none. */
    private static double plotLast(WebDriver page, String id) {
        String last = plot(page, id, "last");
        return last.isEmpty() ? -1 : Double.parseDouble(last);
    }

    private static ChromeDriver headlessChromium() {
        assertThat(new File(CHROMIUM))
                .as("Debian's chromium (apt-get install chromium chromium-driver; .ci/run installs them)")
                .canRead();
        assertThat(new File(CHROMEDRIVER))
                .as("Debian's chromium-driver (apt-get install chromium chromium-driver; .ci/run installs them)")
                .canRead();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=1400,1250");
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .build();
        return new ChromeDriver(driver, options);
    }

    private void screenshot(ChromeDriver browser) throws Exception {
        Path png = stack.config().relayHome().resolve("docs").resolve("status-page.png");
        Files.write(png, browser.getScreenshotAs(OutputType.BYTES));
    }
}
