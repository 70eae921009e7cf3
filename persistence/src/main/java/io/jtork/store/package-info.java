/**
 * The project's own tables and how they are created: versioned Flyway migrations for H2 and
 * PostgreSQL (journal, snapshots, projection offsets, read model, task logs), the connection
 * pool, the jobs read model and the task log store. Plain JDBC; no Pekko.
 */
package io.jtork.store;
