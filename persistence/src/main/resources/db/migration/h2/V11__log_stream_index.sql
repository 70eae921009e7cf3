-- A job's log parts in the order they were written, for the live log stream
-- (GET /jobs/{id}/log/stream reads "job_id = ? AND ordering > ?"). It covers the job_id
-- lookups of the old index, which it replaces.
CREATE INDEX task_log_parts_job_ordering_idx ON task_log_parts (job_id, ordering);
DROP INDEX task_log_parts_job_idx;
