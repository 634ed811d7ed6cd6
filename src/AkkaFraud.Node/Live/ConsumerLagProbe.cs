using AkkaFraud.Cluster.Pipeline;
using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;
using Confluent.Kafka;

namespace AkkaFraud.Node.Live;

/// <summary>
/// Consumer lag as the warehouse sees it, once a second: per partition of the transactions topic, the high watermark
/// minus the offset stored with the last committed batch (the low watermark when none is stored yet), summed. It
/// reads Kafka with a consumer of its own that never joins the group, and the stored offsets from the warehouse, so
/// it is cluster-wide and never touches the pipeline. Each reading, per partition, also goes to the
/// <see cref="PartitionWatch"/> of the management API.
/// </summary>
internal sealed class ConsumerLagProbe(
    KafkaSettings kafka, KafkaClusterIdentity cluster, FraudSettings fraud, IWarehouseQueries store, MetricsAggregator metrics, PartitionWatch watch,
    TimeProvider clock, ILogger<ConsumerLagProbe> log)
    : BackgroundService
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = kafka.GroupId + "-lag-probe",
            ClientId = kafka.ClientId + "-lag-probe",
            EnableAutoCommit = false,
            LogConnectionClose = false,
        };
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(config).SetLogHandler((_, _) => { }).Build();
        var partitions = Enumerable.Range(0, fraud.Partitions).Select(p => new TopicPartition(kafka.TransactionsTopic, p)).ToList();
        var failing = false;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var stored = (await store.GetPartitionCommitsAsync(await cluster.GetAsync(stoppingToken), kafka.GroupId, kafka.TransactionsTopic, stoppingToken))
                    .ToDictionary(c => c.Partition);
                long lag = 0;
                var readings = new List<(int, long?, DateTimeOffset?, long, long)>(partitions.Count);
                foreach (var partition in partitions)
                {
                    var watermarks = await Task.Run(() => consumer.QueryWatermarkOffsets(partition, QueryTimeout), stoppingToken);
                    var commit = stored.GetValueOrDefault(partition.Partition.Value);
                    var committed = commit?.NextOffset ?? watermarks.Low.Value;
                    var behind = Math.Max(0, watermarks.High.Value - Math.Max(committed, watermarks.Low.Value));
                    lag += behind;
                    readings.Add((partition.Partition.Value, commit?.NextOffset, commit?.CommittedAt, watermarks.High.Value, behind));
                }

                watch.Record(clock.GetUtcNow(), readings);
                metrics.ConsumerLag = lag;
                if (failing)
                {
                    log.LogInformation("Consumer lag probe works again");
                    failing = false;
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                if (!failing)
                {
                    log.LogWarning("Consumer lag probe failed ({Error}); the snapshot keeps the last known lag until it works again", e.Message);
                    failing = true;
                }
            }
        }
    }
}
