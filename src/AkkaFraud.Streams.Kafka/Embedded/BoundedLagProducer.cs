using Confluent.Kafka;

namespace AkkaFraud.Streams.Kafka.Embedded;

/// <summary>
/// Produces a known number of records while a consumer reads them, never running more than <see cref="MaxLag"/>
/// records ahead of what the consumer reported with <see cref="MarkConsumed"/>. This is how tests and benchmarks move
/// more data through <see cref="EmbeddedKafka"/> than a mock partition retains
/// (<see cref="EmbeddedKafka.MaxRetainedBytesPerPartition"/>): the unconsumed backlog stays bounded, so nothing is
/// dropped before it is read. Works against any Kafka.
/// </summary>
/// <remarks>
/// The bound is on the total; with keys spread evenly each partition holds about <c>MaxLag / partitions</c>.
/// <see cref="SafeMaxLag"/> computes a bound that fits the mock's retention with a safety margin.
/// </remarks>
public sealed class BoundedLagProducer : IDisposable
{
    // Per-record overhead in a record batch (length, attributes, deltas, header count), generously rounded.
    private const int RecordOverheadBytes = 32;
    private static readonly TimeSpan WaitSlice = TimeSpan.FromMilliseconds(50);

    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly string _topic;
    private readonly SemaphoreSlim _progress = new(0);
    private readonly Action<DeliveryReport<byte[]?, byte[]?>> _onDelivery;
    private long _produced;
    private long _consumed;
    private long _delivered;
    private long _maxObservedLag;
    private Error? _deliveryError;
    private int _running;

    /// <param name="bootstrapServers">The cluster, e.g. <see cref="EmbeddedKafka.BootstrapServers"/>.</param>
    /// <param name="topic">The topic to produce to.</param>
    /// <param name="maxLag">Most records produced and not yet reported consumed.</param>
    /// <param name="producerProperties">librdkafka producer properties on top of the defaults (batched, murmur2).</param>
    public BoundedLagProducer(string bootstrapServers, string topic, long maxLag, IReadOnlyDictionary<string, string>? producerProperties = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(bootstrapServers);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLag, 1);
        _topic = topic;
        MaxLag = maxLag;
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            ClientId = "akkafraud-bounded-lag-producer",
            LingerMs = 5,
            BatchNumMessages = 10_000,
            QueueBufferingMaxMessages = 1_000_000,
            EnableIdempotence = true,
            Partitioner = Partitioner.Murmur2Random,
        };
        foreach (var (key, value) in producerProperties ?? new Dictionary<string, string>())
        {
            config.Set(key, value);
        }

        _producer = new ProducerBuilder<byte[]?, byte[]?>(config).Build();
        _onDelivery = OnDelivery;
    }

    /// <summary>Most records produced and not yet reported consumed.</summary>
    public long MaxLag { get; }

    /// <summary>Records handed to the producer so far.</summary>
    public long Produced => Interlocked.Read(ref _produced);

    /// <summary>Records the broker acknowledged so far.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Records the consumer reported so far.</summary>
    public long Consumed => Interlocked.Read(ref _consumed);

    /// <summary>The largest backlog (produced minus consumed) this producer ever allowed; never above <see cref="MaxLag"/>.</summary>
    public long MaxObservedLag => Interlocked.Read(ref _maxObservedLag);

    /// <summary>
    /// A total lag bound that keeps every one of <paramref name="partitions"/> mock partitions at no more than half of
    /// its retention, for records of about <paramref name="recordBytes"/> bytes (key plus value) spread evenly by key.
    /// </summary>
    public static long SafeMaxLag(int partitions, int recordBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(recordBytes, 0);
        var perPartition = Math.Min(EmbeddedKafka.MaxRetainedBytesPerPartition / (recordBytes + RecordOverheadBytes), EmbeddedKafka.MaxRetainedBatchesPerPartition);
        return Math.Max(1, (long)perPartition * partitions / 2);
    }

    /// <summary>Reports records read by the consumer; thread-safe and cheap, call it per record or per batch.</summary>
    public void MarkConsumed(long count = 1)
    {
        Interlocked.Add(ref _consumed, count);
        if (_progress.CurrentCount == 0)
        {
            _progress.Release();
        }
    }

    /// <summary>
    /// Produces records number 0 to <paramref name="count"/> - 1 (made by <paramref name="create"/>) on a dedicated
    /// thread, waiting whenever the lag bound is reached, and completes when all are acknowledged; fails on the first
    /// delivery error. One run at a time.
    /// </summary>
    public Task ProduceAsync(long count, Func<long, Message<byte[]?, byte[]?>> create, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(create);
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("A BoundedLagProducer runs one ProduceAsync at a time.");
        }

        return Task.Factory.StartNew(
            () =>
            {
                try
                {
                    Produce(count, create, cancellationToken);
                }
                finally
                {
                    Volatile.Write(ref _running, 0);
                }
            },
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    public void Dispose()
    {
        _producer.Dispose();
        _progress.Dispose();
    }

    private void Produce(long count, Func<long, Message<byte[]?, byte[]?>> create, CancellationToken cancellationToken)
    {
        var first = Produced;
        var target = first + count;
        while (Produced < target)
        {
            ThrowIfDeliveryFailed();
            var lag = Produced - Consumed;
            if (lag >= MaxLag)
            {
                _progress.Wait(WaitSlice, cancellationToken);
                continue;
            }

            var room = Math.Min(MaxLag - lag, target - Produced);
            for (var i = 0; i < room; i++)
            {
                ProduceOne(create(Produced - first), cancellationToken);
                var observed = Interlocked.Increment(ref _produced) - Consumed;
                if (observed > MaxObservedLag)
                {
                    // Only this thread writes it.
                    Interlocked.Exchange(ref _maxObservedLag, observed);
                }
            }
        }

        while (_producer.Flush(WaitSlice) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        ThrowIfDeliveryFailed();
    }

    private void ProduceOne(Message<byte[]?, byte[]?> message, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                _producer.Produce(_topic, message, _onDelivery);
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                cancellationToken.ThrowIfCancellationRequested();
                _producer.Poll(TimeSpan.FromMilliseconds(10));
            }
        }
    }

    private void OnDelivery(DeliveryReport<byte[]?, byte[]?> report)
    {
        if (report.Error.IsError)
        {
            Interlocked.CompareExchange(ref _deliveryError, report.Error, null);
        }
        else
        {
            Interlocked.Increment(ref _delivered);
        }
    }

    private void ThrowIfDeliveryFailed()
    {
        if (Volatile.Read(ref _deliveryError) is { } error)
        {
            throw new KafkaException(error);
        }
    }
}
