package io.jtork.node;

import java.time.Duration;

/**
 * How many connections the REST API holds and for how long ({@code jtork.http.max-connections},
 * {@code idle-timeout}, {@code header-timeout}, {@code management-port}); see docs/connections.md.
 *
 * @param maxConnections connections the API accepts at once; further ones wait in the backlog
 * @param idleTimeout a connection with no traffic for this long is closed; a kept-alive connection
 *     must also deliver its next complete request head within this long of the previous response
 * @param headerTimeout a new connection must deliver a complete request head within this long
 * @param managementPort the port serving {@code /health} only, apart from the API's connections;
 *     null when off, 0 for a free port
 */
public record HttpConnections(int maxConnections, Duration idleTimeout, Duration headerTimeout,
    Integer managementPort) {}
