using AkkaFraud.Storage.Internal;

namespace AkkaFraud.Storage.Postgres;

/// <summary>The PostgreSQL schema, as migrations. Append new versions; never edit a released one.</summary>
internal static class PostgresSchema
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "warehouse", """
            -- Every valid record once, with its verdict. Written by binary COPY, one batch per transaction.
            CREATE TABLE transactions (
                transaction_id    text PRIMARY KEY,
                account_id        text NOT NULL,
                event_time        timestamptz NOT NULL,
                amount            numeric(18, 4) NOT NULL,
                currency          text NOT NULL,
                type              text NOT NULL,
                channel           text NOT NULL,
                merchant_id       text,
                merchant_name     text,
                merchant_category text,
                counterparty_id   text,
                country           text NOT NULL,
                latitude          double precision,
                longitude         double precision,
                device_id         text,
                score             integer NOT NULL,
                decision          text NOT NULL CHECK (decision IN ('approve', 'review', 'block')),
                is_flagged        boolean NOT NULL,
                is_duplicate      boolean NOT NULL,
                reasons           jsonb NOT NULL,
                rule_set_version  integer NOT NULL,
                kafka_partition   integer NOT NULL,
                kafka_offset      bigint NOT NULL,
                ingested_at       timestamptz NOT NULL,
                processed_at      timestamptz NOT NULL
            );
            -- An account's history, newest first.
            CREATE INDEX transactions_account_time ON transactions (account_id, event_time DESC);
            -- Latest alerts and their keyset paging; only flagged rows pay for these two.
            CREATE INDEX transactions_alerts_time ON transactions (event_time DESC, transaction_id DESC) WHERE is_flagged;
            CREATE INDEX transactions_alerts_reasons ON transactions USING gin (reasons jsonb_path_ops) WHERE is_flagged;

            -- Every invalid record once, byte for byte; identified by its Kafka coordinates.
            CREATE TABLE dead_letters (
                topic           text NOT NULL,
                kafka_partition integer NOT NULL,
                kafka_offset    bigint NOT NULL,
                payload         bytea NOT NULL,
                reason_code     text NOT NULL,
                detail          text NOT NULL,
                received_at     timestamptz NOT NULL,
                PRIMARY KEY (topic, kafka_partition, kafka_offset)
            );
            CREATE INDEX dead_letters_received ON dead_letters (received_at DESC);

            -- The exactly-once offset store: the next offset to read, moved by compare-and-set in the batch transaction.
            -- batch_id names the batch that last moved it (tells a lost commit acknowledgement from a rival writer).
            CREATE TABLE kafka_offsets (
                consumer_group  text NOT NULL,
                topic           text NOT NULL,
                kafka_partition integer NOT NULL,
                next_offset     bigint NOT NULL CHECK (next_offset >= 0),
                batch_id        uuid NOT NULL,
                updated_at      timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (consumer_group, topic, kafka_partition)
            );

            -- Records deleted by retention before they were read: [first_missing_offset, next_available_offset).
            CREATE TABLE ingest_gaps (
                topic                 text NOT NULL,
                kafka_partition       integer NOT NULL,
                first_missing_offset  bigint NOT NULL,
                next_available_offset bigint NOT NULL,
                detected_at           timestamptz NOT NULL,
                PRIMARY KEY (topic, kafka_partition, first_missing_offset),
                CHECK (next_available_offset > first_missing_offset)
            );

            -- An account's engine state as of an offset of its partition.
            CREATE TABLE account_checkpoints (
                account_id      text PRIMARY KEY,
                kafka_partition integer NOT NULL,
                as_of_offset    bigint NOT NULL,
                state           bytea NOT NULL,
                updated_at      timestamptz NOT NULL DEFAULT now()
            );

            -- Per-minute counts for the dashboard, maintained in the batch transaction (so they match the rows).
            CREATE TABLE minute_rollups (
                minute         timestamptz PRIMARY KEY,
                transactions   bigint NOT NULL,
                flagged        bigint NOT NULL,
                blocked        bigint NOT NULL,
                amount         numeric NOT NULL,
                flagged_amount numeric NOT NULL,
                dead_letters   bigint NOT NULL
            );
            """),
        new(2, "account index by offset", """
            -- Accounts recover by replaying their rows after their checkpoint's offset (checkpoints are periodic, see
            -- FraudSettings.CheckpointEvery); the history query sorts one account's rows by event time itself.
            DROP INDEX transactions_account_time;
            CREATE INDEX transactions_account_offset ON transactions (account_id, kafka_offset);
            """),
    ];
}
