package io.jtork.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** A URL called on job or task events; {@code if} filters the calls. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record WebhookSpec(String url, Map<String, String> headers, String event,
    @JsonProperty("if") String condition) {
  public WebhookSpec {
    headers = Specs.map(headers);
  }

  @Override
  public String toString() {
    return "WebhookSpec[url=" + url + ", event=" + event + "]";
  }
}
