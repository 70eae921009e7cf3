package io.jtork.api;

import java.time.Duration;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that does not deliver a complete request head in time: the first one
 * within {@code headerTimeout} of the connection being accepted, each later one within
 * {@code keepAliveTimeout} of the previous answer.
 *
 * <p>Hand-written because Pekko HTTP 1.3 has no such setting (its server settings are
 * idle-timeout, request-timeout, bind-timeout, linger-timeout and max-connections; none bounds
 * the time to receive a request head). Its idle-timeout is reset by every byte, so a client
 * trickling one header byte every few seconds (slowloris) keeps a connection, one of
 * {@code max-connections}, forever; request-timeout only starts once the whole request is in.
 *
 * <p>The stage sits between Pekko's HTTP server layer and the routes, in the handler flow that
 * {@code bindFlow} materializes once per accepted connection: materialization is the moment the
 * connection is accepted, and an {@link HttpRequest} reaches the stage as soon as its head has
 * been parsed (the entity follows as a stream). When the timer fires the stage completes both
 * directions, and the server layer closes the connection. A request body sent slowly is not
 * covered (see docs/connections.md).
 */
final class RequestHeadTimeout extends GraphStage<BidiShape<HttpRequest, HttpRequest, HttpResponse, HttpResponse>> {
  private static final Logger log = LoggerFactory.getLogger(RequestHeadTimeout.class);
  private static final Object TIMER = "request-head";

  private final Inlet<HttpRequest> requestsIn = Inlet.create("RequestHeadTimeout.requestsIn");
  private final Outlet<HttpRequest> requestsOut = Outlet.create("RequestHeadTimeout.requestsOut");
  private final Inlet<HttpResponse> responsesIn = Inlet.create("RequestHeadTimeout.responsesIn");
  private final Outlet<HttpResponse> responsesOut = Outlet.create("RequestHeadTimeout.responsesOut");
  private final BidiShape<HttpRequest, HttpRequest, HttpResponse, HttpResponse> shape =
      BidiShape.of(requestsIn, requestsOut, responsesIn, responsesOut);
  private final Duration headerTimeout;
  private final Duration keepAliveTimeout;

  private RequestHeadTimeout(Duration headerTimeout, Duration keepAliveTimeout) {
    this.headerTimeout = headerTimeout;
    this.keepAliveTimeout = keepAliveTimeout;
  }

  /** {@code handler} (the routes) behind the timeout, as the per-connection handler flow. */
  static Flow<HttpRequest, HttpResponse, NotUsed> around(Flow<HttpRequest, HttpResponse, NotUsed> handler,
      Duration headerTimeout, Duration keepAliveTimeout) {
    return BidiFlow.fromGraph(new RequestHeadTimeout(headerTimeout, keepAliveTimeout)).join(handler);
  }

  @Override
  public BidiShape<HttpRequest, HttpRequest, HttpResponse, HttpResponse> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new TimerGraphStageLogic(shape) {
      /** Requests handed to the routes and not answered yet (the head of none is awaited meanwhile). */
      private int open;

      {
        setHandler(requestsIn, new AbstractInHandler() {
          @Override
          public void onPush() {
            cancelTimer(TIMER);
            open++;
            push(requestsOut, grab(requestsIn));
          }

          @Override
          public void onUpstreamFinish() {
            // No further request can come on this connection: nothing left to time.
            cancelTimer(TIMER);
            complete(requestsOut);
          }
        });
        setHandler(requestsOut, new AbstractOutHandler() {
          @Override
          public void onPull() {
            pull(requestsIn);
          }

          @Override
          public void onDownstreamFinish(Throwable cause) {
            cancel(requestsIn, cause);
          }
        });
        setHandler(responsesIn, new AbstractInHandler() {
          @Override
          public void onPush() {
            HttpResponse response = grab(responsesIn);
            push(responsesOut, response);
            if (open > 0) open--;
            // A streamed body is still being sent when its response passes here: the clock for the
            // next head would run during it. The API answers with strict bodies only; a streamed
            // one is left to Pekko's idle-timeout, which sees its bytes.
            if (open == 0 && !isClosed(requestsIn) && response.entity().isStrict()) {
              scheduleOnce(TIMER, keepAliveTimeout);
            }
          }

          @Override
          public void onUpstreamFinish() {
            complete(responsesOut);
          }
        });
        setHandler(responsesOut, new AbstractOutHandler() {
          @Override
          public void onPull() {
            pull(responsesIn);
          }

          @Override
          public void onDownstreamFinish(Throwable cause) {
            cancel(responsesIn, cause);
          }
        });
      }

      @Override
      public void preStart() {
        scheduleOnce(TIMER, headerTimeout); // the connection has just been accepted
      }

      @Override
      public void onTimer(Object key) {
        log.debug("closing a connection that sent no complete request head in time");
        completeStage();
      }
    };
  }
}
