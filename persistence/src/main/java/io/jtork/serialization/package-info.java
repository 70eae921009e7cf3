/**
 * The marker for everything Pekko serializes (messages between actors and nodes, journaled
 * events, snapshots). {@code conf/serialization.conf} binds it to Jackson JSON, so a message
 * type that forgets the marker fails a test run with {@code serialize-messages = on}.
 */
package io.jtork.serialization;
