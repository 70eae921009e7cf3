/**
 * The Jackson configuration jtork uses for its own JSON and YAML (API bodies, the read model,
 * log parts): camelCase names, RFC 3339 timestamps with nanoseconds in UTC, empty fields
 * omitted. Pekko's serialization of messages and events is configured separately in
 * {@code conf/serialization.conf}.
 */
package io.jtork.json;
