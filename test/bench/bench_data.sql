-- test/bench/bench_data.sql: the benchmark's rows (psql variable :rows).
-- One row per registered unit-year: listing dates, a hit flag, money in
-- numeric(18,2), poverty counts, and a pairing (unit_id, covered) with about
-- five rows per unit, so coverage has duplicates to remove.
DROP TABLE IF EXISTS bench_rows;
CREATE UNLOGGED TABLE bench_rows AS
SELECT g AS id,
       g % 10 <> 0 AS hit,
       DATE '2014-01-01' + (g % 2200)::int AS listed_on,
       CASE WHEN g % 4 <> 0 THEN DATE '2014-01-01' + (g % 2200 + g % 900)::int END AS exited_on,
       round(((g * 7919) % 10000000)::numeric / 100, 2)::numeric(18,2) AS in_place,
       round(((g * 104729) % 10000000)::numeric / 100 + 1, 2)::numeric(18,2) AS planned,
       (g % 37)::bigint AS poor,
       (100 + g % 400)::bigint AS population,
       ((g * 2654435761) % greatest(:rows / 5, 1))::bigint AS unit_id,
       g % 3 = 0 AS covered
FROM generate_series(1::bigint, :rows) g;
VACUUM (FREEZE, ANALYZE) bench_rows;
