namespace AkkaFraud.Storage.Internal;

/// <summary>Column lists and conflict clauses that both dialects' bulk statements and the shared queries use.</summary>
internal static class Tables
{
    public const string DeadLetterColumns = "topic, kafka_partition, kafka_offset, payload, reason_code, detail, received_at";

    /// <summary>An insert's columns: the batch's Kafka cluster, then <see cref="DeadLetterColumns"/>.</summary>
    public const string DeadLetterInsertColumns = "kafka_cluster, " + DeadLetterColumns;

    /// <summary>A read's columns: the same as an insert's.</summary>
    public const string StoredDeadLetterColumns = DeadLetterInsertColumns;

    /// <summary>An insert's columns; the batch's Kafka cluster is the first.</summary>
    public const string CheckpointInsertColumns = "kafka_cluster, account_id, kafka_partition, as_of_offset, state, updated_at";

    public const string RollupColumns = "minute, transactions, flagged, blocked, amount, flagged_amount, dead_letters";

    public const string GapColumns = "kafka_cluster, topic, kafka_partition, first_missing_offset, next_available_offset, detected_at";

    /// <summary>An insert of dead letters skips the stored ones and returns the receive times of the rest.</summary>
    public const string DeadLetterInsertTail = "ON CONFLICT DO NOTHING RETURNING received_at";

    /// <summary>A checkpoint replaces the account's previous one.</summary>
    public const string CheckpointUpsert = """
        ON CONFLICT (account_id) DO UPDATE SET kafka_cluster = excluded.kafka_cluster, kafka_partition = excluded.kafka_partition,
            as_of_offset = excluded.as_of_offset, state = excluded.state, updated_at = excluded.updated_at
        """;

    /// <summary>A batch's rollup adds to the minute's row; the insert names <c>minute_rollups</c> <c>AS r</c>.</summary>
    public const string RollupUpsert = """
        ON CONFLICT (minute) DO UPDATE SET transactions = r.transactions + excluded.transactions,
            flagged = r.flagged + excluded.flagged, blocked = r.blocked + excluded.blocked,
            amount = r.amount + excluded.amount, flagged_amount = r.flagged_amount + excluded.flagged_amount,
            dead_letters = r.dead_letters + excluded.dead_letters
        """;
}
