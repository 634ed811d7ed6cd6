using AkkaFraud.Storage.Internal;

namespace AkkaFraud.Storage.Sqlite;

/// <summary>
/// The SQLite schema: the PostgreSQL tables with SQLite's types. Times are INTEGER Unix microseconds, amounts INTEGER
/// 1/10000 units (exact, and summable without floating point), flags 0/1. Append new versions; never edit a released one.
/// </summary>
internal static class SqliteSchema
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "warehouse", """
            CREATE TABLE transactions (
                transaction_id    TEXT NOT NULL PRIMARY KEY,
                account_id        TEXT NOT NULL,
                event_time        INTEGER NOT NULL,
                amount            INTEGER NOT NULL,
                currency          TEXT NOT NULL,
                type              TEXT NOT NULL,
                channel           TEXT NOT NULL,
                merchant_id       TEXT,
                merchant_name     TEXT,
                merchant_category TEXT,
                counterparty_id   TEXT,
                country           TEXT NOT NULL,
                latitude          REAL,
                longitude         REAL,
                device_id         TEXT,
                score             INTEGER NOT NULL,
                decision          TEXT NOT NULL CHECK (decision IN ('approve', 'review', 'block')),
                is_flagged        INTEGER NOT NULL,
                is_duplicate      INTEGER NOT NULL,
                reasons           TEXT NOT NULL,
                rule_set_version  INTEGER NOT NULL,
                kafka_partition   INTEGER NOT NULL,
                kafka_offset      INTEGER NOT NULL,
                ingested_at       INTEGER NOT NULL,
                processed_at      INTEGER NOT NULL
            );
            CREATE INDEX transactions_account_time ON transactions (account_id, event_time DESC);
            CREATE INDEX transactions_alerts_time ON transactions (event_time DESC, transaction_id DESC) WHERE is_flagged = 1;

            CREATE TABLE dead_letters (
                topic           TEXT NOT NULL,
                kafka_partition INTEGER NOT NULL,
                kafka_offset    INTEGER NOT NULL,
                payload         BLOB NOT NULL,
                reason_code     TEXT NOT NULL,
                detail          TEXT NOT NULL,
                received_at     INTEGER NOT NULL,
                PRIMARY KEY (topic, kafka_partition, kafka_offset)
            );
            CREATE INDEX dead_letters_received ON dead_letters (received_at DESC);

            CREATE TABLE kafka_offsets (
                consumer_group  TEXT NOT NULL,
                topic           TEXT NOT NULL,
                kafka_partition INTEGER NOT NULL,
                next_offset     INTEGER NOT NULL CHECK (next_offset >= 0),
                batch_id        TEXT NOT NULL,
                updated_at      INTEGER NOT NULL,
                PRIMARY KEY (consumer_group, topic, kafka_partition)
            );

            CREATE TABLE ingest_gaps (
                topic                 TEXT NOT NULL,
                kafka_partition       INTEGER NOT NULL,
                first_missing_offset  INTEGER NOT NULL,
                next_available_offset INTEGER NOT NULL,
                detected_at           INTEGER NOT NULL,
                PRIMARY KEY (topic, kafka_partition, first_missing_offset),
                CHECK (next_available_offset > first_missing_offset)
            );

            CREATE TABLE account_checkpoints (
                account_id      TEXT NOT NULL PRIMARY KEY,
                kafka_partition INTEGER NOT NULL,
                as_of_offset    INTEGER NOT NULL,
                state           BLOB NOT NULL,
                updated_at      INTEGER NOT NULL
            );

            CREATE TABLE minute_rollups (
                minute         INTEGER NOT NULL PRIMARY KEY,
                transactions   INTEGER NOT NULL,
                flagged        INTEGER NOT NULL,
                blocked        INTEGER NOT NULL,
                amount         INTEGER NOT NULL,
                flagged_amount INTEGER NOT NULL,
                dead_letters   INTEGER NOT NULL
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
