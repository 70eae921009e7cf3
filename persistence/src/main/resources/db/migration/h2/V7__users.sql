-- Users, roles and API keys (jtork.auth.enabled), and who may see which job (the jobs projection
-- fills job_permissions from each job's permissions).
CREATE TABLE users (
  id VARCHAR(32) PRIMARY KEY,
  username VARCHAR(256) NOT NULL UNIQUE,
  name VARCHAR(1024),
  password_hash VARCHAR(512) NOT NULL,
  admin BOOLEAN NOT NULL,
  disabled BOOLEAN NOT NULL,
  created_at TIMESTAMP(9) WITH TIME ZONE NOT NULL
);
CREATE TABLE roles (
  id VARCHAR(32) PRIMARY KEY,
  slug VARCHAR(256) NOT NULL UNIQUE,
  name VARCHAR(1024),
  created_at TIMESTAMP(9) WITH TIME ZONE NOT NULL
);
CREATE TABLE users_roles (
  user_id VARCHAR(32) NOT NULL,
  role_id VARCHAR(32) NOT NULL,
  PRIMARY KEY (user_id, role_id)
);
-- SHA-256 of the key: the key itself is shown once, when it is made.
CREATE TABLE api_keys (
  key_hash VARCHAR(64) PRIMARY KEY,
  user_id VARCHAR(32) NOT NULL,
  created_at TIMESTAMP(9) WITH TIME ZONE NOT NULL
);
CREATE TABLE job_permissions (
  job_id VARCHAR(32) NOT NULL,
  username VARCHAR(256),
  role VARCHAR(256)
);
CREATE INDEX job_permissions_job_idx ON job_permissions (job_id);
