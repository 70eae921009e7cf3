/** A Server-Sent Events client for tests, and the live log stream's acceptance check, shared with the multi-JVM tests. */
package io.jtork.sse;
