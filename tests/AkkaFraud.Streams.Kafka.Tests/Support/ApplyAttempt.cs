using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka.Tests.Support;

/// <summary>What <see cref="InMemoryOffsetStore"/> did with one record it was asked to apply.</summary>
public enum ApplyOutcome
{
    /// <summary>The record was the partition's stored offset: applied, and the offset moved past it.</summary>
    Applied,

    /// <summary>Below the stored offset: applied before, so a redelivery (a source started too early, or re-read).</summary>
    AlreadyApplied,

    /// <summary>Above the stored offset: applying it would leave a hole, so it and the rest of its partition in the batch were refused.</summary>
    Gap,

    /// <summary>Another source has read this partition's start offset since: the asking source lost it (a zombie batch), refused.</summary>
    NotOwner,
}

/// <summary>One record <see cref="InMemoryOffsetStore.Apply"/> was asked to apply, by whom, and what it did.</summary>
public sealed record ApplyAttempt(string Source, TopicPartition Partition, long Offset, ApplyOutcome Outcome);
