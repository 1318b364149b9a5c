package dev.authgate.admin;

import dev.authgate.http.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The rejections explorer page in a real browser: Debian's {@code chromium}, headless, driven by its
 * {@code chromedriver} through Selenium (both paths set explicitly: nothing is downloaded). A 401 sent to the gateway
 * appears with its reason and fix; a new one appears without a reload; the reason filter narrows the list through the
 * URL; a row opens the detail with the fix; a path holding markup is shown as text and never runs; the page loads no
 * external resource and logs no console error; the status strip shows the certificate and credential expiry (warnings
 * within their windows) and the last reload, refused then ok, without a reload of the page. Saves a screenshot to
 * {@code target/rejections-page.png}, and with {@code -Dauthgate.screenshot.docs=true} also to
 * docs/images/rejections-explorer.png.
 *
 * <p>Without the binaries the test is skipped with a message on a developer's machine and fails under CI ({@code CI}
 * set, as {@code .ci/run} does, which installs them).
 */
class RejectionsPageBrowserTest {
    private static final Path CHROMIUM = Paths.get(System.getenv().getOrDefault("AUTHGATE_CHROMIUM", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER =
            Paths.get(System.getenv().getOrDefault("AUTHGATE_CHROMEDRIVER", "/usr/bin/chromedriver"));
    private static final String TOKEN = "browser-token-9e2b44c1a0";
    private static final String WRONG = "browser-wrong-token-31f7";
    private static final String ADMIN_TOKEN = "browser-admin-token-6c0e9d";
    private static final String MARKUP = "<script>window.pwned=1</script><svg/onload=window.pwned=2>";

    @TempDir
    Path dir;
    private ExplorerGateway ex;
    private WebDriver browser;

    @AfterEach
    void stop() {
        if (browser != null) browser.quit();
        if (ex != null) ex.close();
    }

    @Test
    void aRejectionAppearsWithItsFixFiltersNarrowAndMarkupStaysText() throws IOException {
        requireBrowser();
        Instant now = Instant.now();
        ex = ExplorerGateway.startExpiring(dir, TOKEN, "", now.plus(Duration.ofDays(9)), now.plus(Duration.ofDays(60)),
                now.plus(Duration.ofDays(5)));
        assertEquals(401, send("/api/orders"));
        assertEquals(401, send("/api/" + MARKUP));
        assertEquals(200, send("/api/fine", "Authorization: Bearer " + TOKEN));

        browser = startBrowser();
        String base = "http://127.0.0.1:" + ex.gw.adminPort();
        browser.get(base + "/rejections");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.until(d -> rows(d).size() == 2);

        // the 401 with its reason, and its group with the fix
        WebElement missing = rowWithPath("/api/orders");
        assertTrue(missing.getText().contains("credentials_missing"), missing.getText());
        String groups = browser.findElement(By.id("groups")).getText();
        assertTrue(groups.contains("credentials_missing") && groups.contains(Reason.CREDENTIALS_MISSING.fix()), groups);
        assertTrue(browser.findElement(By.id("strip")).getText().contains("credentials_missing 2"));
        statusStrip(wait);

        // markup in a path is text: shown as sent, nothing ran
        assertEquals("/api/" + MARKUP, rowWithPath("/api/" + MARKUP).findElement(By.cssSelector("td.path")).getText());
        assertEquals(null, js("return window.pwned === undefined ? null : String(window.pwned);"));
        assertTrue(browser.findElements(By.cssSelector("#list svg, #list script")).isEmpty());

        // a fresh rejection appears without a reload
        js("document.body.dataset.sameDocument = 'yes';");
        assertEquals(401, send("/api/later", "Authorization: Bearer " + WRONG));
        wait.until(d -> rows(d).size() == 3);
        assertEquals("yes", js("return document.body.dataset.sameDocument;"), "the page was not reloaded");
        assertTrue(rows(browser).get(0).getText().contains("credentials_invalid"), "newest first");

        // the detail view, with the fix from the troubleshooting table
        rowWithPath("/api/orders").click();
        wait.until(d -> d.findElement(By.id("detail")).isDisplayed());
        assertEquals(Reason.CREDENTIALS_MISSING.fix(), browser.findElement(By.id("d-fix")).getText());
        assertEquals("credentials_missing", browser.findElement(By.id("d-reason")).getText());
        assertEquals("none sent", browser.findElement(By.id("d-credentials")).getText());
        String traceId = browser.findElement(By.id("d-trace-id")).getText();
        assertTrue(traceId.matches("[0-9a-f]{32}"), "the detail shows the trace id: " + traceId);
        // captured (the api route captures): re-judged with the current config from the detail
        // (the detail is rebuilt by every refresh: an element found may go stale before it is read, so wait)
        WebDriverWait fresh = new WebDriverWait(browser, Duration.ofSeconds(15));
        fresh.ignoring(StaleElementReferenceException.class);
        fresh.until(d -> "kept (credentials redacted)".equals(d.findElement(By.id("d-capture")).getText())
                && d.findElement(By.id("d-download")).isDisplayed());
        fresh.until(d -> {
            d.findElement(By.id("d-verify-run")).click();
            return true;
        });
        fresh.until(d -> d.findElement(By.id("d-verify")).getText().startsWith("reject: credentials_missing (401)"));
        screenshot();

        // the reason filter narrows the list, through the URL
        WebElement reason = browser.findElement(By.id("f-reason"));
        reason.clear();
        reason.sendKeys("credentials_invalid");
        browser.findElement(By.id("f-apply")).click();
        wait.until(d -> d.getCurrentUrl().contains("reason=credentials_invalid"));
        wait.until(d -> rows(d).size() == 1);
        assertTrue(rows(browser).get(0).getText().contains("/api/later"));
        assertEquals("credentials_invalid", browser.findElement(By.id("f-reason")).getAttribute("value"));

        // nothing external was fetched, and the console has no error
        @SuppressWarnings("unchecked")
        List<String> resources = (List<String>) js(
                "return performance.getEntriesByType('resource').map(function (e) { return e.name; });");
        for (String r : resources) assertTrue(r.startsWith(base + "/"), "external request: " + r);
        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertTrue(errors.isEmpty(), "console errors: " + errors);
        String page = browser.getPageSource();
        assertFalse(page.contains(TOKEN) || page.contains(WRONG), "a credential reached the page");
    }

    @Test
    void withAnAdminTokenThePageAsksForItOnceAndThenShowsTheData() throws IOException {
        requireBrowser();
        Files.writeString(dir.resolve("admin-token"), ADMIN_TOKEN + "\n");
        ex = ExplorerGateway.start(dir, TOKEN, ", token: '${file:admin-token}'");
        assertEquals(401, send("/api/orders"));
        browser = startBrowser();
        browser.get("http://127.0.0.1:" + ex.gw.adminPort() + "/rejections");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.until(d -> d.findElement(By.id("token-form")).isDisplayed());
        assertTrue(rows(browser).isEmpty());
        browser.findElement(By.id("token")).sendKeys(ADMIN_TOKEN);
        browser.findElement(By.id("token-apply")).click();
        wait.until(d -> rows(d).size() == 1);
        assertFalse(browser.findElement(By.id("token-form")).isDisplayed());
        assertFalse(browser.getPageSource().contains(ADMIN_TOKEN), "the token is not echoed into the page");
        assertFalse(browser.getCurrentUrl().contains(ADMIN_TOKEN), "nor into the URL");
    }

    /**
     * The status strip: the routes, the server certificate (9 days left: a warning within expiry_warning 14d), the
     * client CA and CRL, the credentials soonest first (deploy-bot, 5 days: a warning), the load at start; then a
     * refused reload with its error's first line, and a good one, each shown by the page's own refresh.
     */
    private void statusStrip(WebDriverWait wait) throws IOException {
        wait.until(d -> !d.findElement(By.id("strip-certs")).getText().isEmpty());
        assertEquals("2 (api, open)", browser.findElement(By.id("strip-routes")).getText());
        WebElement listen = browser.findElement(By.cssSelector("#strip-certs [data-name=listen]"));
        assertTrue(listen.getText().matches("server certificate 8d 23h left|server certificate 9d left"), listen.getText());
        assertEquals("chip warn", listen.getAttribute("class"));
        assertEquals("chip ok", browser.findElement(By.cssSelector("#strip-certs [data-name=client_ca]"))
                .getAttribute("class"));
        assertEquals("chip warn", browser.findElement(By.cssSelector("#strip-certs [data-name=client_crl]"))
                .getAttribute("class"));
        List<WebElement> creds = browser.findElements(By.cssSelector("#strip-credentials .chip"));
        assertEquals(2, creds.size());
        assertTrue(creds.get(0).getText().startsWith("api/deploy-bot 4d 23h left"), creds.get(0).getText());
        assertEquals("chip warn", creds.get(0).getAttribute("class"));
        assertTrue(creds.get(1).getText().startsWith("api/ci 59d 23h left"), creds.get(1).getText());
        assertEquals("chip ok", creds.get(1).getAttribute("class"));
        assertTrue(browser.findElement(By.id("strip-reload")).getText().startsWith("loaded at start "));
        assertFalse(browser.findElement(By.id("strip-jwks-group")).isDisplayed(), "no jwt route, no JWKS");

        Files.writeString(ex.config, ex.configText.replace("auth: none", "auth: none\n    nonsense: [1"));
        assertFalse(ex.gw.reloader().reload());
        WebDriverWait fresh = new WebDriverWait(browser, Duration.ofSeconds(15));
        fresh.ignoring(StaleElementReferenceException.class);
        fresh.until(d -> d.findElement(By.id("strip-reload")).getText().startsWith("refused "));
        String refused = browser.findElement(By.id("strip-reload")).getText();
        assertTrue(refused.endsWith("gateway.yaml:17: YAML syntax: expected ',' or ']', but got <stream end>"), refused);
        assertEquals("chip bad", browser.findElement(By.cssSelector("#strip-reload .chip")).getAttribute("class"));
        Files.writeString(ex.config, ex.configText);
        assertTrue(ex.gw.reloader().reload());
        fresh.until(d -> d.findElement(By.id("strip-reload")).getText().startsWith("ok "));
    }

    private int send(String target, String... headers) {
        return ex.send(target, headers);
    }

    private static List<WebElement> rows(WebDriver d) {
        return d.findElements(By.cssSelector("#list tbody tr"));
    }

    private WebElement rowWithPath(String path) {
        for (WebElement row : rows(browser)) {
            if (row.findElement(By.cssSelector("td.path")).getText().equals(path)) return row;
        }
        throw new AssertionError("no row with path " + path + " in " + browser.findElement(By.id("list")).getText());
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    /** To {@code target/rejections-page.png}; also to docs/images with {@code -Dauthgate.screenshot.docs=true}. */
    private void screenshot() throws IOException {
        // the whole page, from the top (the verify click scrolled it): the window grows to the document's height
        js("window.scrollTo(0, 0);");
        long height = ((Number) js("return document.documentElement.scrollHeight;")).longValue();
        long chrome = ((Number) js("return window.outerHeight - window.innerHeight;")).longValue();
        browser.manage().window().setSize(new Dimension(1400, (int) Math.min(height + chrome + 16, 2400)));
        byte[] png = ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(Paths.get("target", "rejections-page.png"), png);
        if (Boolean.getBoolean("authgate.screenshot.docs")) {
            Files.write(Paths.get("..", "docs", "images", "rejections-explorer.png"), png);
        }
    }

    private WebDriver startBrowser() throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", "--window-size=1400,1000",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(dir.resolve("chromedriver.log").toFile())
                .build();
        return new ChromeDriver(service, options);
    }

    private static void requireBrowser() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) return;
        String message = "the browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
                + ": apt-get install chromium chromium-driver (.ci/run does this)";
        if (System.getenv("CI") != null) fail(message);
        Assumptions.abort(message);
    }

}
