using System.Diagnostics.Metrics;

namespace AkkaFraud.Cluster.Pipeline;

/// <summary>The pipeline's instruments (meter <c>AkkaFraud.Pipeline</c>), exported by the node as Prometheus metrics.</summary>
public static class PipelineMetrics
{
    public const string MeterName = "AkkaFraud.Pipeline";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> Consumed = Meter.CreateCounter<long>("akkafraud.records.consumed", "{record}", "Records read from the transactions topic.");
    public static readonly Counter<long> Scored = Meter.CreateCounter<long>("akkafraud.transactions.scored", "{transaction}", "Valid transactions scored and committed.");
    public static readonly Counter<long> Flagged = Meter.CreateCounter<long>("akkafraud.transactions.flagged", "{transaction}", "Committed transactions flagged for review or block.");
    public static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("akkafraud.records.dead_lettered", "{record}", "Invalid records committed as dead letters.");
    public static readonly Counter<long> Fenced = Meter.CreateCounter<long>("akkafraud.batches.fenced", "{batch}", "Batches refused because another owner moved a partition's stored offset.");
    public static readonly Counter<long> Restarts = Meter.CreateCounter<long>("akkafraud.pipeline.restarts", "{restart}", "Pipeline restarts after a failure.");
    public static readonly Counter<long> Undeliverable = Meter.CreateCounter<long>("akkafraud.kafka.undeliverable", "{message}",
        "Alerts and dead letters Kafka refused for good (too large, invalid): logged and left out, their batch committed; tag topic.");
    public static readonly Counter<long> IngestGaps = Meter.CreateCounter<long>("akkafraud.ingest.gaps", "{gap}", "Ranges of records lost to retention before they were read.");
    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("akkafraud.batch.size", "{record}", "Records per committed batch.");
    public static readonly Histogram<double> BatchWriteMs = Meter.CreateHistogram<double>("akkafraud.batch.write.duration", "ms", "Time to write one batch to the warehouse.");
    public static readonly Histogram<double> IngestToCommitMs = Meter.CreateHistogram<double>("akkafraud.ingest_to_commit.duration", "ms", "From reading a record to committing its batch.");
}
