/**
 * How jtork's entities use pekko-persistence-jdbc's journal: {@link io.jtork.journal.TailJournalDao}
 * finds an entity's highest sequence number from its snapshot on, so that recovering a job of
 * many events does not read all of them again.
 */
package io.jtork.journal;
