-- H2 keeps 32 values of an identity column's sequence in memory and, each time they run out,
-- writes the next reservation in a transaction of its own: a whole MVStore commit (every changed
-- page written, up to the roots) for every 32 journal rows. Under load that was about a third of
-- the journal's commit cost. With 1000 it is one such commit per 1000 rows.
-- A node killed with kill -9 loses the values it had reserved and not used: a gap in "ordering"
-- after the restart, which the read journal and the live streams wait out as they do the gap a
-- rolled-back write leaves. Nothing acknowledged is lost: every row is committed as before.
ALTER TABLE "event_journal" ALTER COLUMN "ordering" SET CACHE 1000;
ALTER TABLE task_log_parts ALTER COLUMN ordering SET CACHE 1000;
