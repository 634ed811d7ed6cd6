namespace AkkaFraud.Storage.Internal;

/// <summary>
/// How a dialect spells the schema's types: <see cref="Schema"/> is written once with placeholders
/// (<c>{text}</c>, <c>{time}</c>, ...) that these replace.
/// </summary>
/// <param name="Text">Text.</param>
/// <param name="Integer">A 32-bit integer.</param>
/// <param name="Bigint">A 64-bit integer.</param>
/// <param name="Double">A double.</param>
/// <param name="Boolean">A flag.</param>
/// <param name="Time">A point in time (microseconds).</param>
/// <param name="Amount">An amount of one transaction (4 decimals).</param>
/// <param name="AmountSum">A sum of amounts.</param>
/// <param name="Json">The reasons' JSON document.</param>
/// <param name="Bytes">Bytes.</param>
/// <param name="Uuid">A batch id.</param>
/// <param name="DefaultNow">Appended to time columns the database fills itself: a default of "now", or nothing.</param>
/// <param name="Flagged">The condition of the partial alert indexes.</param>
/// <param name="AlertIndexes">Dialect-only indexes on flagged rows, or nothing.</param>
/// <param name="SerialKey">A 64-bit primary key the database numbers itself, increasing in the order rows are written.</param>
/// <param name="IndexMethod">How an index over every row's event time is kept: a method the dialect writes cheaply (<c>USING brin</c>), or nothing.</param>
internal sealed record SchemaTypes(
    string Text,
    string Integer,
    string Bigint,
    string Double,
    string Boolean,
    string Time,
    string Amount,
    string AmountSum,
    string Json,
    string Bytes,
    string Uuid,
    string DefaultNow,
    string Flagged,
    string AlertIndexes,
    string SerialKey,
    string IndexMethod);

/// <summary>
/// The warehouse's tables, the same in both databases but for the type names. Append new versions; never change what
/// a released one creates.
/// </summary>
internal static class Schema
{
    public const string MigrationsTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    {integer} NOT NULL PRIMARY KEY,
            name       {text} NOT NULL,
            applied_at {time} NOT NULL{default now})
        """;

    private const string Warehouse = """
        -- Every valid record once, with its verdict, one batch per transaction.
        CREATE TABLE transactions (
            transaction_id    {text} NOT NULL PRIMARY KEY,
            account_id        {text} NOT NULL,
            event_time        {time} NOT NULL,
            amount            {amount} NOT NULL,
            currency          {text} NOT NULL,
            type              {text} NOT NULL,
            channel           {text} NOT NULL,
            merchant_id       {text},
            merchant_name     {text},
            merchant_category {text},
            counterparty_id   {text},
            country           {text} NOT NULL,
            latitude          {double},
            longitude         {double},
            device_id         {text},
            score             {integer} NOT NULL,
            decision          {text} NOT NULL CHECK (decision IN ('approve', 'review', 'block')),
            is_flagged        {boolean} NOT NULL,
            is_duplicate      {boolean} NOT NULL,
            reasons           {json} NOT NULL,
            rule_set_version  {integer} NOT NULL,
            kafka_partition   {integer} NOT NULL,
            kafka_offset      {bigint} NOT NULL,
            ingested_at       {time} NOT NULL,
            processed_at      {time} NOT NULL
        );
        -- An account's history, newest first.
        CREATE INDEX transactions_account_time ON transactions (account_id, event_time DESC);
        -- Latest alerts and their keyset paging; only flagged rows pay for this one.
        CREATE INDEX transactions_alerts_time ON transactions (event_time DESC, transaction_id DESC) WHERE {flagged};
        {alert indexes}

        -- Every invalid record once, byte for byte; identified by its Kafka coordinates.
        CREATE TABLE dead_letters (
            topic           {text} NOT NULL,
            kafka_partition {integer} NOT NULL,
            kafka_offset    {bigint} NOT NULL,
            payload         {bytes} NOT NULL,
            reason_code     {text} NOT NULL,
            detail          {text} NOT NULL,
            received_at     {time} NOT NULL,
            PRIMARY KEY (topic, kafka_partition, kafka_offset)
        );
        CREATE INDEX dead_letters_received ON dead_letters (received_at DESC);

        -- The exactly-once offset store: the next offset to read, moved by compare-and-set in the batch transaction.
        -- batch_id names the batch that last moved it (tells a lost commit acknowledgement from a rival writer).
        CREATE TABLE kafka_offsets (
            consumer_group  {text} NOT NULL,
            topic           {text} NOT NULL,
            kafka_partition {integer} NOT NULL,
            next_offset     {bigint} NOT NULL CHECK (next_offset >= 0),
            batch_id        {uuid} NOT NULL,
            updated_at      {time} NOT NULL{default now},
            PRIMARY KEY (consumer_group, topic, kafka_partition)
        );

        -- Records deleted by retention before they were read: [first_missing_offset, next_available_offset).
        CREATE TABLE ingest_gaps (
            topic                 {text} NOT NULL,
            kafka_partition       {integer} NOT NULL,
            first_missing_offset  {bigint} NOT NULL,
            next_available_offset {bigint} NOT NULL,
            detected_at           {time} NOT NULL,
            PRIMARY KEY (topic, kafka_partition, first_missing_offset),
            CHECK (next_available_offset > first_missing_offset)
        );

        -- An account's engine state as of an offset of its partition.
        CREATE TABLE account_checkpoints (
            account_id      {text} NOT NULL PRIMARY KEY,
            kafka_partition {integer} NOT NULL,
            as_of_offset    {bigint} NOT NULL,
            state           {bytes} NOT NULL,
            updated_at      {time} NOT NULL{default now}
        );

        -- Per-minute counts for the dashboard, maintained in the batch transaction (so they match the rows).
        CREATE TABLE minute_rollups (
            minute         {time} NOT NULL PRIMARY KEY,
            transactions   {bigint} NOT NULL,
            flagged        {bigint} NOT NULL,
            blocked        {bigint} NOT NULL,
            amount         {amount sum} NOT NULL,
            flagged_amount {amount sum} NOT NULL,
            dead_letters   {bigint} NOT NULL
        );
        """;

    private const string AccountIndexByOffset = """
        -- Accounts recover by replaying their rows after their checkpoint's offset (checkpoints are periodic, see
        -- FraudSettings.CheckpointEvery); the history query sorts one account's rows by event time itself.
        DROP INDEX transactions_account_time;
        CREATE INDEX transactions_account_offset ON transactions (account_id, kafka_offset);
        """;

    /// <summary>
    /// A Kafka offset means something only in the cluster that assigned it: a new cluster (an embedded run's, or a
    /// rebuilt one) starts its partitions at 0 again. So the offsets, dead letters and gaps are keyed by the cluster's id
    /// too, and rows and checkpoints name it, so that recovery replays only the current cluster's records. Rows written
    /// before this version name the cluster '' (none since has that id): they stay as history and are never resumed.
    /// </summary>
    private const string KafkaCoordinatesNameTheCluster = """
        CREATE TABLE kafka_offsets_keyed (
            kafka_cluster   {text} NOT NULL,
            consumer_group  {text} NOT NULL,
            topic           {text} NOT NULL,
            kafka_partition {integer} NOT NULL,
            next_offset     {bigint} NOT NULL CHECK (next_offset >= 0),
            batch_id        {uuid} NOT NULL,
            updated_at      {time} NOT NULL{default now},
            PRIMARY KEY (kafka_cluster, consumer_group, topic, kafka_partition)
        );
        INSERT INTO kafka_offsets_keyed SELECT '', consumer_group, topic, kafka_partition, next_offset, batch_id, updated_at FROM kafka_offsets;
        DROP TABLE kafka_offsets;
        ALTER TABLE kafka_offsets_keyed RENAME TO kafka_offsets;

        CREATE TABLE dead_letters_keyed (
            kafka_cluster   {text} NOT NULL,
            topic           {text} NOT NULL,
            kafka_partition {integer} NOT NULL,
            kafka_offset    {bigint} NOT NULL,
            payload         {bytes} NOT NULL,
            reason_code     {text} NOT NULL,
            detail          {text} NOT NULL,
            received_at     {time} NOT NULL,
            PRIMARY KEY (kafka_cluster, topic, kafka_partition, kafka_offset)
        );
        INSERT INTO dead_letters_keyed
            SELECT '', topic, kafka_partition, kafka_offset, payload, reason_code, detail, received_at FROM dead_letters;
        DROP TABLE dead_letters;
        ALTER TABLE dead_letters_keyed RENAME TO dead_letters;
        CREATE INDEX dead_letters_received ON dead_letters (received_at DESC);

        CREATE TABLE ingest_gaps_keyed (
            kafka_cluster         {text} NOT NULL,
            topic                 {text} NOT NULL,
            kafka_partition       {integer} NOT NULL,
            first_missing_offset  {bigint} NOT NULL,
            next_available_offset {bigint} NOT NULL,
            detected_at           {time} NOT NULL,
            PRIMARY KEY (kafka_cluster, topic, kafka_partition, first_missing_offset),
            CHECK (next_available_offset > first_missing_offset)
        );
        INSERT INTO ingest_gaps_keyed
            SELECT '', topic, kafka_partition, first_missing_offset, next_available_offset, detected_at FROM ingest_gaps;
        DROP TABLE ingest_gaps;
        ALTER TABLE ingest_gaps_keyed RENAME TO ingest_gaps;

        -- An account has one checkpoint, of the cluster that wrote it last; another cluster's is not loaded.
        ALTER TABLE account_checkpoints ADD COLUMN kafka_cluster {text} NOT NULL DEFAULT '';
        ALTER TABLE transactions ADD COLUMN kafka_cluster {text} NOT NULL DEFAULT '';
        """;

    /// <summary>
    /// API keys: the digest of each secret, never the secret. A name is unique among the keys that are not revoked, so
    /// a revoked "alice" leaves the name free for her new key while the old one stays listed (and named in the audit).
    /// </summary>
    private const string ApiKeys = """
        CREATE TABLE api_keys (
            key_id        {text} NOT NULL PRIMARY KEY,
            name          {text} NOT NULL,
            role          {text} NOT NULL,
            secret_digest {text} NOT NULL,
            created_by    {text} NOT NULL,
            created_at    {time} NOT NULL,
            expires_at    {time},
            revoked_at    {time}
        );
        CREATE UNIQUE INDEX api_keys_active_name ON api_keys (name) WHERE revoked_at IS NULL;
        """;

    /// <summary>
    /// The audit log, append-only: one row per mutation the API was asked for, granted or not, numbered in the order
    /// written. It holds who, what and the answer; never a body, a query or a header, so never a secret.
    /// </summary>
    private const string AuditLog = """
        CREATE TABLE audit_log (
            id             {serial key},
            at             {time} NOT NULL,
            actor_id       {text},
            actor          {text},
            role           {text},
            via            {text} NOT NULL,
            action         {text} NOT NULL,
            method         {text} NOT NULL,
            path           {text} NOT NULL,
            remote_address {text},
            status         {integer} NOT NULL
        );
        """;

    /// <summary>
    /// Browser sessions, each under the digest of its cookie's secret (the cookie itself is never stored), with the
    /// credential it was opened with, which every request re-checks: revoking the key ends its sessions.
    /// </summary>
    private const string Sessions = """
        CREATE TABLE sessions (
            session_digest {text} NOT NULL PRIMARY KEY,
            credential     {text} NOT NULL,
            created_at     {time} NOT NULL,
            expires_at     {time} NOT NULL
        );
        CREATE INDEX sessions_expiry ON sessions (expires_at);
        """;

    /// <summary>The account's ledger balance before and after each transaction, where the producer sends them.</summary>
    private const string Balances = """
        ALTER TABLE transactions ADD COLUMN balance_before {amount};
        ALTER TABLE transactions ADD COLUMN balance_after {amount};
        """;

    /// <summary>
    /// A stored time range's transactions, for backtests: rows arrive roughly in event-time order, so PostgreSQL keeps
    /// a BRIN index (a few pages for the whole table, next to nothing per row); SQLite has only B-trees.
    /// </summary>
    private const string EventTimeRange = """
        CREATE INDEX transactions_event_time ON transactions {index method} (event_time);
        """;

    public static IReadOnlyList<Migration> Migrations(SchemaTypes types) =>
    [
        new(1, "warehouse", Render(Warehouse, types)),
        new(2, "account index by offset", AccountIndexByOffset),
        new(3, "kafka coordinates name the cluster", Render(KafkaCoordinatesNameTheCluster, types)),
        new(4, "api keys", Render(ApiKeys, types)),
        new(5, "audit log", Render(AuditLog, types)),
        new(6, "sessions", Render(Sessions, types)),
        new(7, "balances", Render(Balances, types)),
        new(8, "event time range", Render(EventTimeRange, types)),
    ];

    /// <summary>The SQL with every placeholder replaced; a placeholder the types do not name is a bug, not SQL.</summary>
    public static string Render(string sql, SchemaTypes types)
    {
        ArgumentNullException.ThrowIfNull(types);
        (string Placeholder, string Type)[] words =
        [
            ("{text}", types.Text), ("{integer}", types.Integer), ("{bigint}", types.Bigint), ("{double}", types.Double),
            ("{boolean}", types.Boolean), ("{time}", types.Time), ("{amount sum}", types.AmountSum), ("{amount}", types.Amount),
            ("{json}", types.Json), ("{bytes}", types.Bytes), ("{uuid}", types.Uuid), ("{default now}", types.DefaultNow),
            ("{flagged}", types.Flagged), ("{alert indexes}", types.AlertIndexes), ("{serial key}", types.SerialKey),
            ("{index method}", types.IndexMethod),
        ];
        var rendered = sql;
        foreach (var (placeholder, type) in words)
        {
            rendered = rendered.Replace(placeholder, type, StringComparison.Ordinal);
        }

        return rendered.Contains('{', StringComparison.Ordinal)
            ? throw new InvalidOperationException($"the schema names a type no dialect spells: {rendered[rendered.IndexOf('{', StringComparison.Ordinal)..].Split('}')[0]}}}")
            : rendered;
    }
}
