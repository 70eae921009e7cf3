-- The sequence number of the newest event of its entity that a row shows. The API writes a row
-- as soon as a command is journaled (read your writes); the projections leave alone a row that
-- already shows a newer event. Rows written before this column read as 0: any event updates them.
ALTER TABLE jobs ADD COLUMN seq_nr BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE scheduled_jobs ADD COLUMN seq_nr BIGINT DEFAULT 0 NOT NULL;
