/**
 * Event schema migrations: one Pekko {@code JacksonMigration} per journaled record whose form has
 * changed, registered under {@code pekko.serialization.jackson.migrations} (conf/serialization.conf).
 * Old events stay in the journal as they were written; the migration upgrades their JSON as it is
 * read, so entities, projections, history and replay only ever see the current record.
 */
package io.jtork.migration;
