/**
 * Task output on its way to the {@code task_log_parts} table: workers ship numbered parts
 * (already redacted) to a {@link io.jtork.logs.TaskLogWriter} found through the receptionist,
 * which writes them in batches. Workers need no database.
 */
package io.jtork.logs;
