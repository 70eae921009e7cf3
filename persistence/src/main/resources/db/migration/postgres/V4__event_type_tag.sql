-- Tags derived from the journal: every event is tagged with its entity type, the part of its
-- persistence id before '|' ("Job|<id>" is tagged "Job"). The read journal reads tags from this
-- view (jdbc-read-journal.tables.event_tag in conf/persistence.conf) and entities write no tag
-- rows, which saves an insert per event and keeps eventsByTag polls to the range of new events.
CREATE VIEW event_type_tag AS
  SELECT ordering AS event_id,
         CASE WHEN POSITION('|' IN persistence_id) > 0
              THEN LEFT(persistence_id, POSITION('|' IN persistence_id) - 1)
              ELSE '' END AS tag
  FROM event_journal;
