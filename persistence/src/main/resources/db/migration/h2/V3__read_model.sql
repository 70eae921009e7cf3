-- The read model kept by the jobs projection from the journal. It can always be rebuilt from
-- the journal; GET /jobs/{id} reads the entity, not this.
CREATE TABLE jobs (
  id VARCHAR(32) PRIMARY KEY,
  parent_id VARCHAR(32),
  name VARCHAR(1024),
  description CLOB,
  state VARCHAR(16) NOT NULL,
  created_at TIMESTAMP(9) WITH TIME ZONE NOT NULL,
  started_at TIMESTAMP(9) WITH TIME ZONE,
  completed_at TIMESTAMP(9) WITH TIME ZONE,
  failed_at TIMESTAMP(9) WITH TIME ZONE,
  position INTEGER NOT NULL,
  task_count INTEGER NOT NULL,
  progress DOUBLE PRECISION NOT NULL,
  result CLOB,
  error CLOB,
  -- JSON, already redacted: inputs, createdBy, schedule
  inputs CLOB,
  created_by CLOB,
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
  created_at TIMESTAMP(9) WITH TIME ZONE NOT NULL
);
CREATE INDEX tasks_job_id_idx ON tasks (job_id);

-- Task output, about a second a part, secrets already redacted by the worker.
CREATE TABLE task_log_parts (
  ordering BIGINT AUTO_INCREMENT PRIMARY KEY,
  id VARCHAR(32) NOT NULL,
  job_id VARCHAR(32) NOT NULL,
  task_id VARCHAR(32) NOT NULL,
  task_position INTEGER NOT NULL,
  task_created_at TIMESTAMP(9) WITH TIME ZONE NOT NULL,
  run INTEGER NOT NULL,
  number INTEGER NOT NULL,
  contents CLOB NOT NULL,
  created_at TIMESTAMP(9) WITH TIME ZONE NOT NULL
);
CREATE INDEX task_log_parts_task_idx ON task_log_parts (task_id, run, number);
CREATE INDEX task_log_parts_job_idx ON task_log_parts (job_id);
