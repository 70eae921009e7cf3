package io.jtork.console;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by its chromedriver, for the console's end-to-end tests.
 * Without a Chromium here the tests are skipped, except under CI ({@code CI=true}), where
 * {@code .ci/run} installs it and its absence is a failure.
 */
final class ConsoleBrowser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  /** Where the screenshots go; docs/console.md shows copies of them. */
  static final Path SHOTS = Path.of("target", "console-screenshots");

  final ChromeDriver driver;
  private final String base;

  private ConsoleBrowser(ChromeDriver driver, String base) {
    this.driver = driver;
    this.base = base;
  }

  static ConsoleBrowser open(String base, int width, int height) {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true, but " + CHROMIUM + " or " + CHROMEDRIVER
          + " is missing (.ci/run installs Debian's chromium and chromium-driver)");
    }
    assumeTrue(present, "no " + CHROMIUM + " and " + CHROMEDRIVER + " here: apt-get install chromium chromium-driver");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=" + width + "," + height, "--lang=en-US");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    return new ConsoleBrowser(new ChromeDriver(service, options), base);
  }

  void go(String hash) {
    driver.get(base + "/" + hash);
  }

  <T> T await(Duration within, Function<WebDriver, T> condition) {
    try {
      // A live page redraws rows while a condition reads them: such a read is tried again.
      return new WebDriverWait(driver, within, Duration.ofMillis(50))
          .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
    } catch (org.openqa.selenium.TimeoutException e) {
      // What the page showed when it did not come: a screenshot and its text, beside the others.
      try {
        Path shot = screenshot("timed-out-" + System.currentTimeMillis());
        throw new AssertionError("the page did not come to the expected state; it showed (" + shot + "):\n"
            + driver.findElement(By.tagName("body")).getText(), e);
      } catch (IOException io) {
        throw e;
      }
    }
  }

  <T> T await(Function<WebDriver, T> condition) {
    return await(Duration.ofSeconds(20), condition);
  }

  WebElement shown(String css) {
    return await(d -> d.findElements(By.cssSelector(css)).stream().filter(WebElement::isDisplayed).findFirst().orElse(null));
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** The page as it is now, saved as {@code target/console-screenshots/<name>.png}. */
  Path screenshot(String name) throws IOException {
    File f = driver.getScreenshotAs(OutputType.FILE);
    Files.createDirectories(SHOTS);
    Path to = SHOTS.resolve(name + ".png");
    Files.copy(f.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
    return to;
  }

  @Override
  public void close() {
    driver.quit();
  }
}
