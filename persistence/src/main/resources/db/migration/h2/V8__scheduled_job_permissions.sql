-- Who may see which scheduled job in GET /scheduled-jobs (kept by the scheduled-jobs projection).
CREATE TABLE scheduled_job_permissions (
  scheduled_job_id VARCHAR(32) NOT NULL,
  username VARCHAR(256),
  role VARCHAR(256)
);
CREATE INDEX scheduled_job_permissions_idx ON scheduled_job_permissions (scheduled_job_id);
