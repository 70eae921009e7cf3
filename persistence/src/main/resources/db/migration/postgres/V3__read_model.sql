-- The read model kept by the jobs projection from the journal. It can always be rebuilt from
-- the journal; GET /jobs/{id} reads the entity, not this.
CREATE TABLE jobs (
  id VARCHAR(32) PRIMARY KEY,
  parent_id VARCHAR(32),
  name VARCHAR(1024),
  description TEXT,
  state VARCHAR(16) NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  started_at TIMESTAMPTZ,
  completed_at TIMESTAMPTZ,
  failed_at TIMESTAMPTZ,
  position INTEGER NOT NULL,
  task_count INTEGER NOT NULL,
  progress DOUBLE PRECISION NOT NULL,
  result TEXT,
  error TEXT,
  -- JSON, already redacted: inputs, createdBy, schedule
  inputs TEXT,
  created_by TEXT,
  schedule_id VARCHAR(32),
  schedule_cron VARCHAR(256)
);
CREATE INDEX jobs_created_at_idx ON jobs (created_at);
CREATE INDEX jobs_state_idx ON jobs (state);

CREATE TABLE job_tags (
  job_id VARCHAR(32) NOT NULL,
  tag VARCHAR(256) NOT NULL,
  PRIMARY KEY (job_id, tag)
);
CREATE INDEX job_tags_tag_idx ON job_tags (tag);

-- Which job a task execution belongs to, for GET /tasks/{id}.
CREATE TABLE tasks (
  id VARCHAR(32) PRIMARY KEY,
  job_id VARCHAR(32) NOT NULL,
  position INTEGER NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX tasks_job_id_idx ON tasks (job_id);

-- Task output, about a second a part, secrets already redacted by the worker.
CREATE TABLE task_log_parts (
  ordering BIGSERIAL PRIMARY KEY,
  id VARCHAR(32) NOT NULL,
  job_id VARCHAR(32) NOT NULL,
  task_id VARCHAR(32) NOT NULL,
  task_position INTEGER NOT NULL,
  task_created_at TIMESTAMPTZ NOT NULL,
  run INTEGER NOT NULL,
  number INTEGER NOT NULL,
  contents TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX task_log_parts_task_idx ON task_log_parts (task_id, run, number);
CREATE INDEX task_log_parts_job_idx ON task_log_parts (job_id);
