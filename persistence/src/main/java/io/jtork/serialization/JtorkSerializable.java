package io.jtork.serialization;

/** Marker for messages, events and state that Pekko serializes with Jackson. */
public interface JtorkSerializable {}
