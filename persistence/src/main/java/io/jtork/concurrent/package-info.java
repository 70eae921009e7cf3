/**
 * Small helpers for futures shared by every module: {@link io.jtork.concurrent.Stages} re-homes a
 * stage that Pekko's Java API completes on the JDK's default executor.
 */
package io.jtork.concurrent;
