package io.raftkit.ledger.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in headless Chromium, as a visitor uses it in the local demo: load the page from the
 * leader, make a transfer and its duplicate through the form, see the transfer in every node's
 * column, stop the leader with its button, watch the page move to another member and a new leader
 * take over, start the old leader again and watch it rejoin and catch up. Screenshots of each step
 * go to {@code target/dashboard-screenshots/}.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} ({@code apt-get install -y chromium
 * chromium-driver}); other paths with {@code -Dchromium.binary=... -Dchromedriver.binary=...}.
 * Skipped, not failed, where they are missing.
 */
class DashboardBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");

    @TempDir
    Path root;

    private LocalTestCluster local;
    private WebDriver browser;

    @BeforeEach
    void start(@TempDir Path profile) {
        Path chromium = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
        Path driver = Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));
        assumeTrue(Files.isExecutable(chromium) && Files.isExecutable(driver), "no browser: " + chromium + " or "
                + driver + " is missing; install them with `apt-get install -y chromium chromium-driver` to run"
                + " the dashboard's browser test");
        local = new LocalTestCluster(root, 3);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1400,1500");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (local != null) {
            local.close();
        }
    }

    @Test
    @Timeout(90)
    void aVisitorMakesATransferStopsTheLeaderAndWatchesTheClusterHeal() throws IOException {
        await().atMost(WAIT).until(() -> local.agreedLeader() != null);
        String leader = local.agreedLeader();
        List<String> ids = local.members.stream().map(m -> m.id()).toList();
        assertThat(LocalTestCluster.post(local.url(leader) + "/accounts", "{\"id\":\"alice\"}").status()).isEqualTo(201);
        assertThat(LocalTestCluster.post(local.url(leader) + "/accounts", "{\"id\":\"bob\"}").status()).isEqualTo(201);

        browser.get(local.url(leader) + "/");
        waitFor("every member's card shows its role", () -> ids.stream().allMatch(id -> {
            String role = role(id);
            return id.equals(leader) ? role.equals("LEADER") : role.equals("FOLLOWER");
        }));
        assertThat(read(() -> text("banner"))).contains("Connected to " + leader);
        assertThat(browser.findElements(By.cssSelector("button[data-action=stop]"))).hasSize(3);
        screenshot("1-loaded");

        type("t-from", "alice");
        type("t-to", "bob");
        type("t-amount", "12.50");
        String msgId = browser.findElement(By.id("t-msgid")).getDomProperty("value");
        click("Send", By.id("t-send"));
        waitFor("the transfer's outcome", () -> text("outcome").startsWith("COMMITTED"));
        click("Send again with the same msgId", By.id("t-again"));
        waitFor("the duplicate's outcome", () -> text("outcome").startsWith("DUPLICATE"));
        assertThat(read(() -> text("outcome"))).contains(msgId);
        waitFor("the transfer in every node's column", () -> ids.stream()
                .allMatch(id -> "112.50".equals(balance(id, "bob")) && "87.50".equals(balance(id, "alice"))));
        assertThat(browser.findElements(By.cssSelector("#transfers tr[data-msgid='" + msgId + "']"))).hasSize(1);
        screenshot("2-transfer-on-every-node");

        // the visitor stops the leader, which is also the node the page came from
        click("the leader's Stop button", By.cssSelector("#member-" + leader + " button[data-action=stop]"));
        waitFor("the page moves to another member", () -> text("banner").contains(leader + ", where this page came"
                + " from, is down: now talking to"));
        waitFor("a new leader", () -> ids.stream().anyMatch(id -> !id.equals(leader) && role(id).equals("LEADER")));
        String newLeader = read(() -> ids.stream().filter(id -> role(id).equals("LEADER")).findFirst().orElseThrow());
        assertThat(read(() -> role(leader))).isEqualTo("DOWN");
        screenshot("3-leader-stopped-new-leader");

        click("its Start button", By.cssSelector("#member-" + leader + " button[data-action=start]"));
        // rejoined: it follows the new leader in its term, and has applied what the leader has
        waitFor("the old leader rejoins as a follower and catches up", () -> role(leader).equals("FOLLOWER")
                && cardField(leader, "leader").equals(newLeader)
                && cardField(leader, "term").equals(cardField(newLeader, "term"))
                && cardField(leader, "applied").equals(cardField(newLeader, "applied")));
        waitFor("the page is back on its member", () -> text("banner").startsWith("Connected to " + leader));
        assertThat(read(() -> balance(leader, "bob"))).isEqualTo("112.50");
        assertThat(browser.findElements(By.cssSelector("#timeline li.elected")).size()).isGreaterThanOrEqualTo(2);
        screenshot("4-old-leader-rejoined");
    }

    /** Reads what the page shows now, again if the page re-rendered the element meanwhile. */
    private static <T> T read(Supplier<T> what) {
        java.util.concurrent.atomic.AtomicReference<T> value = new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(WAIT).ignoreExceptionsInstanceOf(org.openqa.selenium.StaleElementReferenceException.class)
                .until(() -> {
                    value.set(what.get());
                    return true;
                });
        return value.get();
    }

    private void waitFor(String what, Supplier<Boolean> condition) {
        await(what).atMost(WAIT).ignoreExceptionsInstanceOf(WebDriverException.class).until(condition::get);
    }

    /** Clicks once the element is there and not being replaced (the page refreshes twice a second). */
    private void click(String what, By by) {
        waitFor("a click on " + what, () -> {
            browser.findElement(by).click();
            return true;
        });
    }

    private WebElement card(String id) {
        return browser.findElement(By.id("member-" + id));
    }

    private String role(String id) {
        return card(id).getDomAttribute("data-role");
    }

    private String cardField(String id, String field) {
        return card(id).findElement(By.cssSelector("dd." + field)).getText();
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private String balance(String node, String account) {
        List<WebElement> cells = browser.findElements(By.cssSelector("#balances tr[data-account='" + account
                + "'] td[data-node='" + node + "']"));
        return cells.isEmpty() ? null : cells.get(0).getText();
    }

    private void type(String id, String value) {
        WebElement input = browser.findElement(By.id(id));
        input.clear();
        input.sendKeys(value);
    }

    private void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
