package io.jtork.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtork.api.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;

/** The console's files as the node serves them, and the console on a node without sign-in. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleFilesTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private TestNode node;

  @BeforeAll
  void start() throws Exception {
    node = TestNode.h2(Map.of());
  }

  @AfterAll
  void stop() throws Exception {
    node.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(node.base + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theRootIsTheConsolesPageAndItsModulesAreJavaScript() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(page.body()).contains("importmap", "/console/app.js", "/webjars/preact/" + ConsoleRoutes.PREACT + "/");
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
        assertThat(csp).contains("script-src 'self' 'sha256-", "connect-src 'self'", "frame-ancestors 'none'")
            .doesNotContain("unsafe"));
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    for (String js : new String[] {"/console/app.js", "/console/api.js", "/console/examples.js", "/console/vendor/htm.js",
        "/webjars/preact/" + ConsoleRoutes.PREACT + "/dist/preact.module.js",
        "/webjars/preact/" + ConsoleRoutes.PREACT + "/hooks/dist/hooks.module.js"}) {
      HttpResponse<String> r = get(js);
      assertThat(r.statusCode()).as(js).isEqualTo(200);
      // A module script is run only with a JavaScript type.
      assertThat(r.headers().firstValue("Content-Type")).as(js).hasValueSatisfying(t -> assertThat(t).startsWith("application/javascript"));
    }
    assertThat(get("/console/style.css").headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
  }

  @Test
  void nothingElseIsServedFromTheJar() throws Exception {
    // logback-test.xml and the classes are on the test's class path, beside console/.
    assertThat(getClass().getClassLoader().getResource("logback-test.xml")).isNotNull();
    for (String path : new String[] {"/console/nope.js", "/console/../logback-test.xml", "/console/%2e%2e/logback-test.xml",
        "/console/..%2flogback-test.xml", "/console/%2e%2e%2flogback-test.xml",
        "/webjars/preact/" + ConsoleRoutes.PREACT + "/../../../../../../logback-test.xml",
        "/console/../io/jtork/console/ConsoleRoutes.class", "/console/%2e%2e/io/jtork/console/ConsoleRoutes.class",
        "/webjars/other/1.0/x.js", "/webjars/preact/1.0.0/dist/preact.module.js"}) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isIn(400, 404);
      assertThat(r.body()).as(path).doesNotContain("<configuration").startsWith("{\"message\":");
    }
  }

  @Test
  void withoutSignInThePageShowsTheJobsAtOnce() throws Exception {
    String id = node.post("/jobs", "text/yaml", "name: open to all\ntasks:\n- name: t\n  run: echo hi\n").json().get("id").asText();
    try (ConsoleBrowser browser = ConsoleBrowser.open(node.base, 1280, 900)) {
      browser.go("");
      browser.shown("tr[data-job='" + id + "']");
      assertThat(browser.all(".login")).isEmpty();
      assertThat(browser.all(".who")).isEmpty();
      assertThat(browser.driver.findElement(By.cssSelector("header nav a[aria-current=page]")).getText()).isEqualTo("Jobs");
      // The page ran under its policy: the import map's hash matched, or nothing would show.
      // A script written into the page by a job (its name here) is text, never run.
      String hostile = node.post("/jobs", "text/yaml", "name: \"<img src=x onerror=window.__pwned=1><script>window.__pwned=2</script>\"\n"
          + "tasks:\n- name: t\n  run: echo '<script>window.__pwned=3</script>'\n").json().get("id").asText();
      browser.shown("tr[data-job='" + hostile + "']");
      browser.go("#/jobs/" + hostile);
      browser.await(d -> d.findElement(By.cssSelector("pre.log")).getText().contains("<script>window.__pwned=3</script>"));
      assertThat(browser.shown("h1 .name").getText()).startsWith("<img src=x");
      assertThat(browser.driver.executeScript("return window.__pwned === undefined;")).isEqualTo(true);
    }
  }
}
