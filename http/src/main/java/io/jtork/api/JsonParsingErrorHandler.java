package io.jtork.api;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * The answer to a request too malformed to reach the routes (URI too long 414, headers too large
 * 431, HTTP version not supported 505, missing Host 400, body over the transport's ceiling 413),
 * in Tork's JSON error shape {@code {"message": ...}} rather than Pekko's plain text. Set as
 * {@code pekko.http.server.parsing.error-handler} in conf/http.conf.
 */
public final class JsonParsingErrorHandler extends ParsingErrorHandler {
  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    log.debug("refused a malformed request ({}): {}", status.intValue(), info.formatPretty());
    String summary = info.summary() == null || info.summary().isBlank() ? status.reason() : info.summary();
    return Responses.error(status, summary);
  }
}
