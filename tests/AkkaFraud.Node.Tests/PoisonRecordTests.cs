using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using AkkaFraud.Cluster.Pipeline;
using AkkaFraud.Node.Tests.Support;
using AkkaFraud.Simulator;
using AkkaFraud.Streams.Kafka;
using AkkaFraud.TestSupport;
using Confluent.Kafka;

namespace AkkaFraud.Node.Tests;

/// <summary>No single record may stall the pipeline: not one Kafka accepted but we cannot produce again, not one Kafka refuses.</summary>
public sealed class Poison_records
{
    /// <summary>What the README promises: a dead letter's payload reaches the DLQ topic whole up to 512 KiB.</summary>
    private const int DeadLetterPayloadLimit = 512 * 1024;

    [Fact]
    public async Task A_record_too_large_to_dead_letter_whole_goes_to_the_dlq_truncated_with_its_size_and_hash_and_the_records_after_it_commit()
    {
        await using var node = await TestNode.StartAsync("Simulator:Enabled=false");
        var kafka = node.Node.Settings.Kafka;
        // As a user with kcat -X message.max.bytes=2000000 would: the broker accepts a record our producer's default refuses.
        var bigProducer = kafka with { Producer = kafka.Producer with { Properties = new(StringComparer.Ordinal) { ["message.max.bytes"] = "2000000" } } };
        var huge = Encoding.UTF8.GetBytes("{\"transactionId\":\"" + new string('x', 1024 * 1024) + "\"}");
        long hugeOffset;
        using (var producer = KafkaProducer.Create(bigProducer))
        {
            var delivered = await producer.ProduceAsync(kafka.TransactionsTopic, new Message<byte[]?, byte[]?> { Key = "acct-huge"u8.ToArray(), Value = huge });
            hugeOffset = delivered.Offset.Value;
            var partition = delivered.Partition.Value;
            // Records after it on its partition, and on the others.
            foreach (var record in Records(200))
            {
                producer.Produce(new TopicPartition(kafka.TransactionsTopic, record.Key == "same-partition" ? partition : Partition.Any), record.Message);
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromMinutes(1)));
        }

        await Eventually.TrueAsync(async () =>
        {
            var totals = await node.Store.GetTotalsAsync();
            return totals.Transactions + totals.DeadLetters == 201;
        }, TimeSpan.FromMinutes(2), "the huge record and the 200 after it committed");

        var stored = Assert.Single(await node.Store.AllDeadLettersAsync(), d => d.KafkaOffset == hugeOffset && d.Payload.Length == huge.Length);
        Assert.Equal("oversized_record", stored.ReasonCode);
        Assert.True(huge.AsSpan().SequenceEqual(stored.Payload.Span), "the warehouse keeps the whole payload");

        var copy = Assert.Single(ReadTopic(kafka, kafka.DeadLetterTopic),
            m => Header(m, "source-offset") == hugeOffset.ToString(System.Globalization.CultureInfo.InvariantCulture) && Header(m, "source-partition") == stored.KafkaPartition.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("true", Header(copy, "payload-truncated"));
        Assert.Equal(huge.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(copy, "payload-size"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(huge)), Header(copy, "payload-sha256"));
        Assert.Equal("oversized_record", Header(copy, "reason-code"));
        Assert.Equal(DeadLetterPayloadLimit, copy.Value!.Length);
        Assert.True(huge.AsSpan(0, DeadLetterPayloadLimit).SequenceEqual(copy.Value));
        Assert.Equal(HttpStatusCode.OK, (await node.Http.GetAsync(new Uri("/ready", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_message_kafka_refuses_for_good_is_tried_twice_then_left_out_alone_and_every_record_still_commits()
    {
        using var undeliverable = new UndeliverableCount();
        // The node's producer refuses messages above 1,000 bytes (librdkafka's smallest limit): the alerts of records
        // with the longest fields are larger, the others smaller. No retry can help the large ones.
        await using var node = await TestNode.StartAsync("Simulator:Enabled=false", "Kafka:Producer:Properties:message.max.bytes=1000");
        var kafka = node.Node.Settings.Kafka;
        const int Count = 300;
        // The records themselves come through a producer without that limit.
        using (var producer = KafkaProducer.Create(kafka with { Producer = kafka.Producer with { Properties = new(StringComparer.Ordinal) } }))
        {
            var i = 0;
            foreach (var record in Records(Count, fraudShare: 0, invalidShare: 0))
            {
                var json = System.Text.Json.Nodes.JsonNode.Parse(record.Message.Value)!.AsObject();
                json["amount"] = 9500; // above the large-amount limit: every record is flagged
                if (i++ % 2 == 0)
                {
                    // The longest fields the parser allows make an alert of about 1.1 KB.
                    json["merchantName"] = new string('m', 250);
                    json["transactionId"] = $"t-{i:D6}-{new string('x', 55)}";
                    json["merchantId"] = new string('i', 64);
                    json["deviceId"] = new string('d', 64);
                }

                record.Message.Value = Encoding.UTF8.GetBytes(json.ToJsonString());
                producer.Produce(kafka.TransactionsTopic, record.Message);
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromMinutes(1)));
        }

        await Eventually.TrueAsync(async () => (await node.Store.GetTotalsAsync()).Transactions == Count,
            TimeSpan.FromMinutes(2), $"all {Count} records committed although Kafka refused some of their alerts");

        var flagged = (await node.Store.GetTotalsAsync()).Flagged;
        var onKafka = ReadTopic(kafka, kafka.AlertsTopic);
        var alertsOnKafka = onKafka.Select(m => Header(m, "alert-id")).Distinct(StringComparer.Ordinal).Count();
        Assert.Equal(Count, flagged);
        Assert.True(undeliverable.Alerts > 0, $"the test must make Kafka refuse some alerts (largest on Kafka: {onKafka.Max(m => m.Value!.Length)} bytes, {onKafka.Count} alerts, {kafka.Producer.Properties.Count} producer properties)");
        Assert.True(alertsOnKafka > 0, "alerts small enough still reach Kafka");
        Assert.Equal(flagged, alertsOnKafka + undeliverable.Alerts);
    }

    private static IEnumerable<(string Key, Message<byte[]?, byte[]?> Message)> Records(int count, double fraudShare = 0.05, double invalidShare = 0.02)
    {
        var simulator = new TrafficSimulator(new SimulatorOptions { Seed = 7, Accounts = 100, FraudShare = fraudShare, InvalidShare = invalidShare, Start = DateTimeOffset.UtcNow.AddMinutes(-10) });
        var i = 0;
        foreach (var record in simulator.Records().Take(count))
        {
            yield return (i++ % 4 == 0 ? "same-partition" : "any", new Message<byte[]?, byte[]?>
            {
                Key = Encoding.UTF8.GetBytes(record.Key),
                Value = record.Value,
                Timestamp = new Timestamp(record.Timestamp),
            });
        }
    }

    private static string? Header(Message<byte[]?, byte[]?> message, string name) =>
        message.Headers.TryGetLastBytes(name, out var value) ? Encoding.UTF8.GetString(value) : null;

    /// <summary>The embedded node's alert and dead-letter topics have 3 partitions.</summary>
    private static List<Message<byte[]?, byte[]?>> ReadTopic(KafkaSettings kafka, string topic) =>
        [.. KafkaTopic.ReadAll(kafka.BootstrapServers, topic, 3).Select(r => r.Message)];

    /// <summary>Counts <see cref="PipelineMetrics.Undeliverable"/> per topic while alive (the node runs in this process).</summary>
    private sealed class UndeliverableCount : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _alerts;

        public UndeliverableCount()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == PipelineMetrics.MeterName && instrument.Name == "akkafraud.kafka.undeliverable")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "topic" && tag.Value as string == "fraud-alerts")
                    {
                        Interlocked.Add(ref _alerts, value);
                    }
                }
            });
            _listener.Start();
        }

        public long Alerts => Interlocked.Read(ref _alerts);

        public void Dispose() => _listener.Dispose();
    }
}
