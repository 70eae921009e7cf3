-- When a COMPLETED job with autoDelete is due for deletion (the retention sweeper reads it), and
-- an index for the log retention.
ALTER TABLE jobs ADD COLUMN delete_at TIMESTAMPTZ;
CREATE INDEX jobs_delete_at_idx ON jobs (delete_at);
CREATE INDEX task_log_parts_created_at_idx ON task_log_parts (created_at);
