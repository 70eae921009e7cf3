-- The retention sweeper's two queries, every 2 s, read "state = 'COMPLETED' AND delete_at <= ?"
-- and "state IN (finished) AND created_at < ?". With an index on state and another on
-- delete_at, the database chose the one on state and read every finished job on each sweep: a
-- cost that grew with the table (2% of a busy node's CPU at 4,000 jobs). These two indexes
-- answer both queries with a range of the index, and replace the two they extend (a query on
-- state alone, the list's filter and the metrics' counts, uses the first one's prefix).
CREATE INDEX jobs_state_created_at_idx ON jobs (state, created_at);
DROP INDEX jobs_state_idx;
CREATE INDEX jobs_state_delete_at_idx ON jobs (state, delete_at);
DROP INDEX jobs_delete_at_idx;
