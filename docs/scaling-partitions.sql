-- scaling-partitions.sql -- converts a Vigil store on PostgreSQL (schema
-- version 2, made by `vigil ingest`) to monthly range partitions of events
-- (on events.date) and mentions (on mentions.date).  docs/scaling.md says
-- why and how to run it; tests/e2e/pg_partitions.sh runs this very file and
-- checks that ingest, replacement, series, alerts and every export give the
-- same output as on the plain tables.
--
--   vigil ingest --db postgresql:///events </dev/null      # the schema (or an existing store)
--   psql -v ON_ERROR_STOP=1 -d events -f docs/scaling-partitions.sql
--
-- Run it while no ingest runs (it takes the ingest lock for the copy, so a
-- running ingest waits).  It works on an empty or a filled store: existing
-- rows are copied into the partitions.  Months from the data's first to
-- twelve months after today get a partition each; any other date goes to
-- the DEFAULT partitions.  Create later months ahead of time with
--   SELECT vigil_add_months('2026-01-01', '2026-12-01');
-- (from cron, or let pg_partman do it): a month cannot be added once rows
-- of it sit in the DEFAULT partition.
--
-- What changes against the plain schema: a partitioned table's primary key
-- and unique indexes must contain the partition key, so the primary keys
-- become (id, date), mentions_key is no longer unique (the ingest never
-- relied on it: it deletes an article's mentions before storing them
-- again), and the foreign key from mentions.event_id to events(id) goes
-- (events(id) alone is no longer unique); the one to articles stays.
-- Vigil's own indexes are created on the partitioned tables with their
-- usual names, so `CREATE INDEX IF NOT EXISTS` at the next open is a no-op.

BEGIN;
SELECT pg_advisory_xact_lock(5668876001);          -- Vigil's ingest lock

ALTER TABLE mentions DROP CONSTRAINT IF EXISTS mentions_event_id_fkey;
ALTER SEQUENCE mentions_id_seq OWNED BY NONE;      -- survives the old table
ALTER TABLE events RENAME TO events_unpartitioned;
ALTER TABLE mentions RENAME TO mentions_unpartitioned;
DROP INDEX IF EXISTS events_dyad, events_rdyad, events_dedup, events_date, events_root,
    events_place, events_geo, mentions_event, mentions_key;

CREATE TABLE events (LIKE events_unpartitioned INCLUDING DEFAULTS,
    CONSTRAINT events_part_pkey PRIMARY KEY (id, date)) PARTITION BY RANGE (date);
CREATE TABLE mentions (LIKE mentions_unpartitioned INCLUDING DEFAULTS,
    CONSTRAINT mentions_part_pkey PRIMARY KEY (id, date),
    CONSTRAINT mentions_part_article_fkey FOREIGN KEY (article_id)
        REFERENCES articles (id) ON DELETE CASCADE) PARTITION BY RANGE (date);
CREATE TABLE events_default PARTITION OF events DEFAULT;
CREATE TABLE mentions_default PARTITION OF mentions DEFAULT;

-- one partition of each table per month from first to last (inclusive)
CREATE OR REPLACE FUNCTION vigil_add_months(first date, last date) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    m date := date_trunc('month', first)::date;
BEGIN
    WHILE m <= last LOOP
        EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
                       'events_' || to_char(m, 'YYYY_MM'), m, (m + interval '1 month')::date);
        EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF mentions FOR VALUES FROM (%L) TO (%L)',
                       'mentions_' || to_char(m, 'YYYY_MM'), m, (m + interval '1 month')::date);
        m := (m + interval '1 month')::date;
    END LOOP;
END $$;

SELECT vigil_add_months(
    least(coalesce((SELECT min(date) FROM events_unpartitioned), current_date),
          coalesce((SELECT min(date) FROM mentions_unpartitioned), current_date),
          current_date),
    (current_date + interval '12 months')::date);

INSERT INTO events SELECT * FROM events_unpartitioned;
INSERT INTO mentions SELECT * FROM mentions_unpartitioned;
DROP TABLE events_unpartitioned, mentions_unpartitioned;
ALTER SEQUENCE mentions_id_seq OWNED BY mentions.id;
UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'data_version';  -- readers drop their caches

-- Vigil's indexes (src/store_be.h, VG_STORE_INDEX_SQL), mentions_key not unique
CREATE INDEX events_dyad ON events (source, target, date, quad, goldstein, date_precision);
CREATE INDEX events_rdyad ON events (target, source, date);
CREATE INDEX events_dedup ON events (source, target, root, date);
CREATE INDEX events_date ON events (date);
CREATE INDEX events_root ON events (root, date, source, target);
CREATE INDEX events_place ON events (place_country, date);
CREATE INDEX mentions_event ON mentions (event_id, article_source);
CREATE INDEX mentions_key ON mentions (article_id, sentence_no, event_no);
ANALYZE events;
ANALYZE mentions;
COMMIT;
