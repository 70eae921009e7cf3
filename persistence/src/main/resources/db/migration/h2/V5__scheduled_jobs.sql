-- Scheduled jobs for GET /scheduled-jobs, kept by the scheduled-jobs projection from the
-- journal (GET /scheduled-jobs/{id} asks the entity). Deleted ones are removed.
CREATE TABLE scheduled_jobs (
  id VARCHAR(32) PRIMARY KEY,
  name VARCHAR(1024),
  description CLOB,
  state VARCHAR(16) NOT NULL,
  cron VARCHAR(256) NOT NULL,
  created_at TIMESTAMP(9) WITH TIME ZONE NOT NULL,
  -- JSON, already redacted
  inputs CLOB,
  created_by CLOB,
  tags CLOB
);
CREATE INDEX scheduled_jobs_created_at_idx ON scheduled_jobs (created_at);

-- The scheduled instant of the fire that created a job (beyond Tork's schedule{id,cron}).
ALTER TABLE jobs ADD COLUMN schedule_fire_time TIMESTAMP(9) WITH TIME ZONE;
CREATE INDEX jobs_schedule_id_idx ON jobs (schedule_id);
