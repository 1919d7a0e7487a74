package dev.bottleneck.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bottleneck.io.AtomicFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end in Debian's headless Chromium: open the dashboard, pick a model, see its charts
 * load, fill the form with a training row, score it and read the answer; then send a bad row and
 * read the server's sentence. Skipped where Chromium or its driver is not installed ({@code
 * .ci/run} installs both).
 */
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** Selenium warns on every start that it has no CDP bindings for this Chromium; the test does not use CDP. */
    private static final java.util.logging.Logger SELENIUM_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium");
    private static final Pattern SCORE = Pattern.compile("score ([-+0-9.e]+) · threshold ([-+0-9.e]+) · (OUTLIER|not an outlier)");

    @Test
    void picksAModelSeesChartsAndScoresARowThroughTheForm() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        // the driver is given explicitly, so Selenium Manager never looks for one on the network
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        SELENIUM_LOG.setLevel(java.util.logging.Level.SEVERE);
        Path profile = Files.createTempDirectory("bottleneck-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
                "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort()
                .build();
        try (BottleneckServer server = BottleneckServer.start(
                ServerConfig.builder().setModelsDir(TestModels.dir()).optPort(0).build())) {
            WebDriver driver = new ChromeDriver(service, options);
            try {
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
                driver.get(server.url());
                By detector = By.cssSelector("#models button[data-model='" + TestModels.DETECTOR + "']");
                wait.until(d -> !d.findElements(detector).isEmpty());
                driver.findElement(detector).click();
                wait.until(d -> d.findElement(By.id("model-title")).getText().equals(TestModels.DETECTOR));

                for (String chart : new String[] {"scores", "codes", "reconstructions"}) {
                    wait.until(d -> naturalWidth(d, "chart-" + chart) > 0);
                }

                driver.findElement(By.id("fill-example")).click();
                WebElement input = driver.findElement(By.id("row-input"));
                wait.until(d -> !input.getAttribute("value").isBlank());
                driver.findElement(By.id("score-submit")).click();
                WebElement result = driver.findElement(By.id("score-result"));
                wait.until(d -> SCORE.matcher(result.getText()).find());
                Matcher m = SCORE.matcher(result.getText());
                assertTrue(m.find());

                // the same row through the API: the page shows its score (rounded for display) and verdict
                ApiClient api = new ApiClient(server, null);
                JsonNode expected = api.post("/api/models/" + TestModels.DETECTOR + "/detect",
                        "{\"row\": " + ApiTest.rowJson(TestModels.wdbc().row(0)) + "}").json();
                double shown = Double.parseDouble(m.group(1));
                double score = expected.get("score").asDouble();
                assertTrue(Math.abs(shown - score) <= 1e-3 * Math.max(1e-3, Math.abs(score)) + 1e-4,
                        "page shows " + shown + ", API says " + score);
                assertEquals(expected.get("outlier").asInt() == 1, m.group(3).equals("OUTLIER"));

                // a bad row: the server's sentence is shown on the page
                input.clear();
                input.sendKeys("1, 2, abc");
                driver.findElement(By.id("score-submit")).click();
                wait.until(d -> result.getText().contains("has 3 values but the model expects 30"));

                // a plain model shows its loss curve
                driver.findElement(By.cssSelector("#models button[data-model='" + TestModels.MODEL + "']")).click();
                wait.until(d -> d.findElement(By.id("model-title")).getText().equals(TestModels.MODEL));
                wait.until(d -> naturalWidth(d, "chart-loss") > 0);
            } finally {
                driver.quit();
                AtomicFiles.deleteRecursively(profile);
            }
        }
    }

    private static long naturalWidth(WebDriver d, String id) {
        Object w = ((JavascriptExecutor) d).executeScript(
                "const i = document.getElementById(arguments[0]); return i && i.complete && !i.hidden ? i.naturalWidth : 0;", id);
        return w instanceof Number n ? n.longValue() : 0;
    }
}
