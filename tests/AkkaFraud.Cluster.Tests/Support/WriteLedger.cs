using AkkaFraud.Storage;

namespace AkkaFraud.Cluster.Tests.Support;

/// <summary>
/// What every node of one harness asked the warehouse's writer, across all its runs: each partition's start offsets
/// read (an assignment: that node owns the partition from then on) and each batch written, with its outcome. The
/// warehouse skips transactions it already holds, so its totals cannot show a record written twice; this ledger can.
/// It is the only test logic of <see cref="RecordingPipelineStore"/>, kept apart so it follows the writer's port wherever
/// it moves. Thread-safe.
/// </summary>
internal sealed class WriteLedger
{
    private readonly Lock _lock = new();
    private readonly List<Claim> _claims = [];
    private readonly List<WrittenBatch> _batches = [];

    /// <summary><paramref name="Node"/> read the stored start offset of <paramref name="Partition"/>: it was assigned it.</summary>
    public sealed record Claim(string Node, int Partition, DateTime At);

    /// <summary>One <see cref="IPipelineStore.WriteBatchAsync"/> call as it returned (or threw) at <paramref name="At"/>.</summary>
    public sealed record WrittenBatch(string Node, DateTime At, BatchResult? Result, IReadOnlyList<(int Partition, long Offset)> Records, IReadOnlyList<OffsetCommit> Offsets)
    {
        public bool Committed => Result is BatchCommitted;
    }

    public void StartOffsetsRead(string node, IEnumerable<StoredPartition> partitions)
    {
        var at = DateTime.UtcNow;
        lock (_lock)
        {
            _claims.AddRange(partitions.Select(p => new Claim(node, p.Partition, at)));
        }
    }

    /// <summary>Runs <paramref name="write"/> (the real batch write) and records what it was asked and what came of it.</summary>
    public async Task<BatchResult> WriteAsync(string node, StoreBatch batch, Func<Task<BatchResult>> write)
    {
        BatchResult? result = null;
        try
        {
            result = await write();
            return result;
        }
        finally
        {
            var records = batch.Transactions.Select(t => (t.KafkaPartition, t.KafkaOffset))
                .Concat(batch.DeadLetters.Select(d => (d.KafkaPartition, d.KafkaOffset))).ToList();
            var written = new WrittenBatch(node, DateTime.UtcNow, result, records, batch.Offsets);
            lock (_lock)
            {
                _batches.Add(written);
            }
        }
    }

    public IReadOnlyList<WrittenBatch> Batches
    {
        get
        {
            lock (_lock)
            {
                return [.. _batches];
            }
        }
    }

    public IReadOnlyList<Claim> Claims
    {
        get
        {
            lock (_lock)
            {
                return [.. _claims];
            }
        }
    }

    /// <summary>
    /// The partitions <paramref name="node"/> owns as far as the warehouse can tell: it was the last to read their start
    /// offset or to commit a batch of them.
    /// </summary>
    public IReadOnlySet<int> PartitionsOf(string node)
    {
        lock (_lock)
        {
            var last = new Dictionary<int, (DateTime At, string Node)>();
            foreach (var claim in _claims)
            {
                Latest(last, claim.Partition, claim.At, claim.Node);
            }

            foreach (var batch in _batches.Where(b => b.Committed))
            {
                foreach (var offset in batch.Offsets)
                {
                    Latest(last, offset.Partition.Partition, batch.At, batch.Node);
                }
            }

            return last.Where(kv => kv.Value.Node == node).Select(kv => kv.Key).ToHashSet();
        }
    }

    /// <summary>For every record of a committed batch, how many committed batches held it (fenced and failed ones do not count).</summary>
    public Dictionary<(int Partition, long Offset), int> CommittedRecordCounts()
    {
        var counts = new Dictionary<(int, long), int>();
        foreach (var batch in Batches.Where(b => b.Committed))
        {
            foreach (var record in batch.Records)
            {
                counts[record] = counts.GetValueOrDefault(record) + 1;
            }
        }

        return counts;
    }

    public IReadOnlyList<WrittenBatch> CommittedBetween(DateTime from, DateTime to) =>
        [.. Batches.Where(b => b.Committed && b.At >= from && b.At < to)];

    /// <summary>When a node other than <paramref name="previousOwner"/> first read the start offset of one of these partitions after <paramref name="after"/>.</summary>
    public DateTime? FirstClaimByAnother(string previousOwner, IReadOnlySet<int> partitions, DateTime after) =>
        Claims.Where(c => c.Node != previousOwner && c.At > after && partitions.Contains(c.Partition)).Select(c => (DateTime?)c.At).Min();

    private static void Latest(Dictionary<int, (DateTime At, string Node)> last, int partition, DateTime at, string node)
    {
        if (!last.TryGetValue(partition, out var current) || current.At <= at)
        {
            last[partition] = (at, node);
        }
    }
}
