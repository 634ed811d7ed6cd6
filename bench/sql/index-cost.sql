-- What the warehouse's indexes cost PostgreSQL per batch, with no client in the way: server-side COPY of a
-- 5,000-row binary file into tables that already hold 290k rows, unindexed / primary key / primary key + account index.
-- It is the evidence behind the storage-write benchmark's ratio (README, Benchmarks).
--   psql -h 127.0.0.1 -p <port> -U postgres -v dir=/tmp -f bench/sql/index-cost.sql
-- Needs a superuser (server-side COPY to and from files) and a directory the server may write (:dir).
\timing off
DROP TABLE IF EXISTS cost_src, cost_none, cost_pk, cost_pk_account;
CREATE TABLE cost_src AS
SELECT 'tx-' || substr(md5(i::text), 1, 16) || substr(md5((i * 7)::text), 1, 16) AS transaction_id,
       'acct-' || lpad((random() * 100000)::int::text, 6, '0') AS account_id,
       now() + i * interval '2 ms' AS event_time,
       round((random() * 500)::numeric, 2)::numeric(18, 4) AS amount,
       'EUR'::text AS currency, 'purchase'::text AS type, 'pos'::text AS channel,
       'm-' || (random() * 5000)::int AS merchant_id, 'Merchant ' || (random() * 5000)::int AS merchant_name,
       '5411'::text AS merchant_category, NULL::text AS counterparty_id, 'DE'::text AS country,
       48 + random() AS latitude, 11 + random() AS longitude, 'dev-' || i AS device_id,
       0 AS score, 'approve'::text AS decision, (i % 50 = 0) AS is_flagged, false AS is_duplicate,
       '[]'::jsonb AS reasons, 1 AS rule_set_version, i % 8 AS kafka_partition, i::bigint AS kafka_offset,
       now() AS ingested_at, now() AS processed_at
FROM generate_series(1, 300000) AS i;

-- One batch as the store writes it: sorted by account.
SELECT format('COPY (SELECT * FROM cost_src WHERE kafka_offset <= 5000 ORDER BY account_id) TO %L (FORMAT BINARY)', :'dir' || '/cost-batch.bin') \gexec

CREATE TABLE cost_none (LIKE cost_src);
CREATE TABLE cost_pk (LIKE cost_src, PRIMARY KEY (transaction_id));
CREATE TABLE cost_pk_account (LIKE cost_src, PRIMARY KEY (transaction_id));
CREATE INDEX ON cost_pk_account (account_id, kafka_offset);
INSERT INTO cost_none SELECT * FROM cost_src WHERE kafka_offset > 10000;
INSERT INTO cost_pk SELECT * FROM cost_src WHERE kafka_offset > 10000;
INSERT INTO cost_pk_account SELECT * FROM cost_src WHERE kafka_offset > 10000;
CHECKPOINT;

\timing on
\echo 'unindexed:'
SELECT format('COPY cost_none FROM %L (FORMAT BINARY)', :'dir' || '/cost-batch.bin') \gexec
\echo 'primary key on transaction_id:'
SELECT format('COPY cost_pk FROM %L (FORMAT BINARY)', :'dir' || '/cost-batch.bin') \gexec
\echo 'primary key + (account_id, kafka_offset):'
SELECT format('COPY cost_pk_account FROM %L (FORMAT BINARY)', :'dir' || '/cost-batch.bin') \gexec
\timing off
DROP TABLE cost_src, cost_none, cost_pk, cost_pk_account;
