using Confluent.Kafka;

namespace AkkaFraud.TestSupport;

/// <summary>Reads Kafka the way any outside consumer would: no group, every partition from its low to its high watermark.</summary>
public static class KafkaTopic
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Each partition's (low, high) watermarks.</summary>
    public static Dictionary<int, (long Low, long High)> Watermarks(string bootstrapServers, string topic, int partitions)
    {
        using var consumer = NewConsumer(bootstrapServers);
        return Enumerable.Range(0, partitions).ToDictionary(p => p, p =>
        {
            var watermarks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), QueryTimeout);
            return (watermarks.Low.Value, watermarks.High.Value);
        });
    }

    /// <summary>Every record the topic holds now.</summary>
    public static List<ConsumeResult<byte[]?, byte[]?>> ReadAll(string bootstrapServers, string topic, int partitions)
    {
        var ends = Watermarks(bootstrapServers, topic, partitions).Where(w => w.Value.High > w.Value.Low).ToDictionary(w => w.Key, w => w.Value.High);
        using var consumer = NewConsumer(bootstrapServers);
        consumer.Assign(ends.Keys.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (ends.Count > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{topic}: partitions {string.Join(", ", ends.Keys)} not read to their end within a minute");
            }

            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is not { } result)
            {
                continue;
            }

            records.Add(result);
            if (ends.TryGetValue(result.Partition.Value, out var end) && result.Offset.Value + 1 >= end)
            {
                ends.Remove(result.Partition.Value);
            }
        }

        return records;
    }

    private static IConsumer<byte[]?, byte[]?> NewConsumer(string bootstrapServers) =>
        new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "test-reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            LogConnectionClose = false,
        }).SetLogHandler((_, _) => { }).Build();
}
