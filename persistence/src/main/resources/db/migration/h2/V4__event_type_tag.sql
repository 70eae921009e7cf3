-- Tags derived from the journal: every event is tagged with its entity type, the part of its
-- persistence id before '|' ("Job|<id>" is tagged "Job"). The read journal reads tags from this
-- view (jdbc-read-journal.tables.event_tag in conf/persistence.conf) and entities write no tag
-- rows. It also keeps eventsByTag cheap: over the event_tag table H2 plans the query as a full
-- scan of event_tag on every poll, so a projection got slower as the journal grew; over this
-- view it reads only the range of new events through the "ordering" index.
CREATE VIEW "event_type_tag" AS
  SELECT "ordering" AS "event_id",
         CASE WHEN POSITION('|' IN "persistence_id") > 0
              THEN LEFT("persistence_id", POSITION('|' IN "persistence_id") - 1)
              ELSE '' END AS "tag"
  FROM "event_journal";
