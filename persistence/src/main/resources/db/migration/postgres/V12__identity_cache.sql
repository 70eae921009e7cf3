-- Nothing to change on PostgreSQL: a sequence advances without a commit of its own (H2's V12
-- raises the cache of its identity columns, whose refills each cost a commit). This file keeps
-- the two dialects' schema versions in step.
SELECT 1;
