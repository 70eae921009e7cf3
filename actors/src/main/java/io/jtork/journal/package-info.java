/**
 * How jtork reads pekko-persistence-jdbc's journal where the library's queries read far more than
 * they need: {@link io.jtork.journal.TailJournalDao} finds an entity's highest sequence number from
 * its snapshot on (H2), and {@link io.jtork.journal.EntityTypeReadJournalDao} reads an entity type's
 * events (the tag the projections follow) from the journal alone (H2 and PostgreSQL). Both answer as
 * the library does, and are configured in {@code conf/persistence-h2.conf} and
 * {@code conf/persistence-postgres.conf}.
 */
package io.jtork.journal;
