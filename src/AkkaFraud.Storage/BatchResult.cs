using System.Collections.Immutable;

namespace AkkaFraud.Storage;

/// <summary>The outcome of <see cref="IPipelineStore.WriteBatchAsync"/>: <see cref="BatchCommitted"/> or <see cref="BatchFenced"/>.</summary>
public abstract record BatchResult
{
    private protected BatchResult()
    {
    }
}

/// <summary>
/// Everything in the batch is durable. <see cref="Transactions"/> rows were inserted; <see cref="DuplicatesSkipped"/>
/// transactions were already stored (or repeated within the batch) and left as they were; likewise for dead letters.
/// </summary>
public sealed record BatchCommitted(int Transactions, int DuplicatesSkipped, int DeadLetters, int Checkpoints) : BatchResult;

/// <summary>
/// Nothing of the batch was written: the stored offset of each partition in <see cref="Conflicts"/> was not the
/// expected one, so another consumer owns (or owned) it. The writer must stop for those partitions and resume from the
/// stored offsets if it is assigned them again.
/// </summary>
public sealed record BatchFenced(ImmutableArray<OffsetConflict> Conflicts) : BatchResult
{
    public override string ToString() =>
        "fenced on " + string.Join(", ", Conflicts.Select(c =>
            $"{c.Partition} (expected {c.Expected?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, " +
            $"stored {c.Actual?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"})"));
}

/// <summary>A partition whose stored offset (<see cref="Actual"/>, null when none) differed from <see cref="Expected"/>.</summary>
public sealed record OffsetConflict(StoredPartition Partition, long? Expected, long? Actual);
