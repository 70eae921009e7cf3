/**
 * Redaction of secrets: values of keys that look secret (SECRET, PASSWORD, ACCESS_KEY by
 * default) and every occurrence of a job's secret values become {@code [REDACTED]}. Used on
 * every response, log part and error message before it leaves the engine.
 */
package io.jtork.redact;
