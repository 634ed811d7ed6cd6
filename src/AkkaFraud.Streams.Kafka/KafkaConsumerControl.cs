using AkkaFraud.Streams.Kafka.Internal;
using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka;

/// <summary>
/// Materialized value of <see cref="KafkaSource.Create"/>: steers and observes one running source and its consumer.
/// Thread-safe.
/// </summary>
public sealed class KafkaConsumerControl
{
    private readonly KafkaConsumerWorker _worker;

    internal KafkaConsumerControl(KafkaConsumerWorker worker) => _worker = worker;

    /// <summary>Partitions currently assigned to this source.</summary>
    public IReadOnlyCollection<TopicPartition> Assignment => _worker.Assignment;

    /// <summary>
    /// Records buffered per assigned partition, waiting for downstream demand; never above
    /// <see cref="KafkaConsumerSettings.MaxBufferedRecordsPerPartition"/>.
    /// </summary>
    public IReadOnlyDictionary<TopicPartition, int> BufferedRecords => _worker.BufferedRecords;

    /// <summary>The most records one partition ever had buffered in this source.</summary>
    public int PeakBufferedRecords => _worker.PeakBufferedRecords;

    /// <summary>Whether the brokers are reachable; see <see cref="KafkaConsumerSettings.UnreachableTimeout"/>.</summary>
    public KafkaSourceHealth Health => _worker.Health;

    /// <summary>Completes when the consumer has left its group and closed, after a shutdown or a failure.</summary>
    public Task Closed => _worker.Closed;

    /// <summary>
    /// Stops emitting: records not yet emitted are dropped (they are read again from the stored offsets next time),
    /// the source completes, and the consumer stays in its group, paused, so processed offsets can still be committed.
    /// Follow with <see cref="ShutdownAsync"/>.
    /// </summary>
    public void Stop() => _worker.RequestStop();

    /// <summary>
    /// Stops emitting, commits what was marked processed (for the partitions still assigned), closes the consumer
    /// (leaving the group, so its partitions move at once) and completes when it is closed.
    /// </summary>
    public Task ShutdownAsync()
    {
        _worker.RequestShutdown();
        return _worker.Closed;
    }

    /// <summary>
    /// Drain and shut down: stop emitting, wait for the stream (whose completion is <paramref name="streamCompletion"/>,
    /// typically the sink's materialized task) to finish the records already emitted, then commit and close the
    /// consumer. Returns the stream's result, or rethrows its failure after the consumer is closed.
    /// </summary>
    public async Task<T> DrainAndShutdownAsync<T>(Task<T> streamCompletion)
    {
        ArgumentNullException.ThrowIfNull(streamCompletion);
        Stop();
        try
        {
            return await streamCompletion;
        }
        finally
        {
            await ShutdownAsync();
        }
    }

    /// <inheritdoc cref="DrainAndShutdownAsync{T}(Task{T})"/>
    public async Task DrainAndShutdownAsync(Task streamCompletion)
    {
        ArgumentNullException.ThrowIfNull(streamCompletion);
        Stop();
        try
        {
            await streamCompletion;
        }
        finally
        {
            await ShutdownAsync();
        }
    }
}
