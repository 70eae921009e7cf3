/**
 * How jtork reads pekko-persistence-jdbc's journal on H2, where the library's queries read far more
 * than they need: {@link io.jtork.journal.TailJournalDao} finds an entity's highest sequence number
 * from its snapshot on, and {@link io.jtork.journal.EntityTypeReadJournalDao} reads an entity type's
 * events (the tag the projections follow) from the journal alone. Both answer as the library does,
 * and are configured in {@code conf/persistence-h2.conf}; PostgreSQL keeps the library's DAOs.
 */
package io.jtork.journal;
