package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import tandem.launcher.client.TandemClient;
import tandem.protocol.api.Json;

/**
 * The dashboard in a real browser (Debian's headless Chromium, driven by Selenium through its
 * chromedriver) on a real node with a worker: what the page shows against what the API says, a
 * map's bar reaching 100% live, a cancel from a job's page, a failed job's error, HTML in a job's
 * parameters shown as text, and a token-protected node. Each test saves a screenshot in target/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final String TOKEN = "dashboard-token-0123456789";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private Dist dist;
  private String url;
  private String tokenUrl;
  private TandemClient client;
  private ChromeDriver browser;

  @BeforeAll
  void start() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "the dashboard's browser tests need Debian's chromium and chromium-driver (.ci/run installs them)");
    dist = new Dist();
    Dist.Background node = dist.start("node", "node", "--port", "0", "--http-port", "0", "--workers", "1");
    url = node.await(Pattern.compile("http (http://\\S+),"), Duration.ofSeconds(60)).group(1);
    client = new TandemClient(URI.create(url));
    Dist.awaitWorkers(client, 1, Duration.ofSeconds(60));
    Path config = dist.work().resolve("token.conf");
    Files.writeString(config, "tandem.http.token = \"" + TOKEN + "\"\n");
    Dist.Background guarded = dist.start("guarded", "node", "--port", "0", "--http-port", "0", "--workers", "0",
        "--config", config.toString());
    tokenUrl = guarded.await(Pattern.compile("http (http://\\S+),"), Duration.ofSeconds(60)).group(1);

    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString()); // no Selenium Manager, no download
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--no-first-run", "--disable-dev-shm-usage", "--window-size=1400,1000");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (dist != null) {
      dist.close();
    }
  }

  @AfterEach
  void screenshot(TestInfo test) throws Exception {
    if (browser != null) {
      Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
      Path target = Path.of("target", "dashboard-" + test.getTestMethod().orElseThrow().getName() + ".png");
      Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private void await(String what, Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (condition.get()) {
          return;
        }
      } catch (RuntimeException notYet) {
        // an element replaced while read: the page re-renders each second
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what + "\npage: " + browser.findElement(By.tagName("body")).getText());
  }

  private void noScriptErrors() {
    List<LogEntry> severe = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()).toList();
    assertTrue(severe.isEmpty(), "console errors: " + severe);
    Object errors = ((JavascriptExecutor) browser).executeScript("return window.tandemErrors;");
    assertEquals(List.of(), errors, "script errors");
  }

  private WebElement jobRow(String id) {
    return browser.findElement(By.cssSelector("#jobs tr[data-id='" + id + "']"));
  }

  private void openDashboard() throws InterruptedException {
    long start = System.nanoTime();
    browser.get(url + "/");
    await("the page goes live", () -> browser.findElement(By.id("conn")).getText().equals("live"));
    await("the first data shown", () -> !browser.findElements(By.cssSelector("#members tbody tr")).isEmpty());
    Object loaded = ((JavascriptExecutor) browser).executeScript(
        "const t = performance.getEntriesByType('navigation')[0]; return t ? Math.round(t.loadEventEnd) : -1;");
    System.out.printf("dashboard: page loaded in %s ms, first data shown %.0f ms after the request%n",
        loaded, (System.nanoTime() - start) / 1e6);
  }

  @Test
  @DisplayName("the cluster view lists the members 'members' lists; a map's bar reaches 100% without a reload; its tasks show in the task stream; no console errors")
  void clusterAndMapProgress() throws Exception {
    openDashboard();
    Set<String> expected = new HashSet<>();
    for (JsonNode m : client.members().join()) {
      expected.add(m.path("address").asText());
    }
    await("every member listed", () -> {
      Set<String> shown = new HashSet<>();
      for (WebElement row : browser.findElements(By.cssSelector("#members tbody tr"))) {
        shown.add(row.getAttribute("data-address"));
      }
      return shown.equals(expected);
    });
    String worker = browser.findElement(By.cssSelector("#members tbody tr:nth-child(2)")).getText();
    assertTrue(worker.contains("worker") && worker.contains("MB"), worker);

    var map = Json.object();
    map.putObject("range").put("key", "ms").put("from", 10).put("to", 69);
    String id = client.submitMap("spin", Json.object(), map).join().path("id").asText();
    await("the map listed", () -> !browser.findElements(By.cssSelector("#jobs tr[data-id='" + id + "']")).isEmpty());
    await("the bar at 100%", () -> {
      WebElement bar = jobRow(id).findElement(By.className("progress"));
      return "100.0".equals(bar.getAttribute("data-percent")) && jobRow(id).getText().contains("succeeded");
    });
    assertEquals("60", jobRow(id).findElement(By.className("progress")).getAttribute("data-done"));
    // The task stream drew the map's chunks in the worker's lanes, in the job's colour.
    await("the map's tasks in the task stream", () -> !browser.findElements(By.cssSelector("#stream rect")).isEmpty()
        && browser.findElement(By.id("legend")).getText().contains("spin")
        && browser.findElement(By.id("stream")).getText().contains("pid " + client.members().join().get(1).path("pid").asText()));
    noScriptErrors();
    Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), Path.of("target", "dashboard.png"),
        StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  @DisplayName("a running job cancelled from its page ends cancelled")
  void cancelFromTheJobsPage() throws Exception {
    String id = client.submit("sleep", Json.object().put("ms", 120_000)).join().path("id").asText();
    openDashboard();
    await("the job listed as running", () -> jobRow(id).getText().contains("running"));
    jobRow(id).click();
    await("its page open", () -> browser.findElement(By.id("job-id")).getText().equals(id)
        && browser.findElement(By.id("cancel")).isEnabled());
    browser.findElement(By.id("cancel")).click();
    await("its page says cancelled", () -> browser.findElement(By.id("job-state")).getText().equals("cancelled"));
    assertEquals("cancelled", client.job(id).join().path("state").asText());
    noScriptErrors();
  }

  @Test
  @DisplayName("a failed job's page shows its error and its logs; HTML in its parameters and its output is shown as text, never run")
  void failedJobAndHtmlAsText() throws Exception {
    String evil = "<img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script>";
    JsonNode failed = client.run("print", Json.object().put("text", evil).put("lines", 2).put("fail", true)).join();
    assertEquals("failed", failed.path("state").asText(), failed.toString());
    String id = failed.path("id").asText();
    openDashboard();
    browser.findElement(By.id("find-input")).sendKeys(id);
    browser.findElement(By.cssSelector("#find-form button")).click();
    await("its error shown", () -> browser.findElement(By.id("job-fields")).getText().contains(failed.path("error").asText()));
    await("its parameters shown as text", () -> browser.findElement(By.id("job-params")).getText()
        .contains("<script>window.pwned=2</script>") && browser.findElement(By.id("job-params")).getText().contains("<img src=x"));
    await("its logs shown as text: what it printed, its logger's line and its stderr", () -> {
      String logs = browser.findElement(By.id("job-logs")).getText();
      return logs.contains(evil + " 1") && logs.contains(evil + " 2") && logs.contains("INFO printed 2 lines")
          && logs.contains("giving up, as asked");
    });
    assertFalse(browser.findElement(By.id("log-element-form")).isDisplayed(), "no element to pick in a job that is no map");
    assertNotNull(browser.findElement(By.id("job-state")));
    assertEquals(null, ((JavascriptExecutor) browser).executeScript("return window.pwned === undefined ? null : window.pwned;"));
    noScriptErrors();
    ((JavascriptExecutor) browser).executeScript("document.getElementById('job-panel').scrollIntoView();");
  }

  @Test
  @DisplayName("a token-protected node's page shows data only once the token is given")
  void tokenProtectedNode() throws Exception {
    browser.get(tokenUrl + "/");
    await("the page asks for the token", () -> browser.findElement(By.id("token-panel")).isDisplayed());
    assertTrue(browser.findElements(By.cssSelector("#members tbody tr")).isEmpty());
    browser.findElement(By.id("token-input")).sendKeys("not-the-token-at-all");
    browser.findElement(By.cssSelector("#token-form button")).click();
    await("a wrong token refused", () -> browser.findElement(By.id("token-error")).getText().contains("not this node's"));
    browser.findElement(By.id("token-input")).clear();
    browser.findElement(By.id("token-input")).sendKeys(TOKEN);
    browser.findElement(By.cssSelector("#token-form button")).click();
    await("the members shown", () -> browser.findElements(By.cssSelector("#members tbody tr")).size() == 1);
    // The page itself came without the token; its data did not.
    assertEquals(401, Http.get(tokenUrl + "/members").status());
    ((JavascriptExecutor) browser).executeScript("sessionStorage.clear();");
  }
}
