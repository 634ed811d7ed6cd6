using System.Text;
using AkkaFraud.Node.Tests.Support;
using AkkaFraud.Simulator;
using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;
using Confluent.Kafka;

namespace AkkaFraud.Node.Tests;

/// <summary>An embedded restart keeps what earlier runs found, and its new, empty in-process Kafka is read from the start.</summary>
public sealed class Embedded_history
{
    [Fact]
    public async Task A_restarted_embedded_node_keeps_the_earlier_runs_alerts_and_scores_its_new_kafka()
    {
        var directory = Directory.CreateTempSubdirectory("akkafraud-history-test-").FullName;
        try
        {
            long flaggedInFirstRun;
            string alertOfFirstRun;
            await using (var first = await TestNode.StartInAsync(directory))
            {
                await Eventually.TrueAsync(async () => (await first.Store.GetAlertsAsync(new AlertQuery { Limit = 1 })).Items.Count > 0,
                    TimeSpan.FromMinutes(2), "a first alert");
                alertOfFirstRun = (await first.Store.GetAlertsAsync(new AlertQuery { Limit = 1 })).Items[0].Transaction.TransactionId;
                flaggedInFirstRun = (await first.Store.GetTotalsAsync()).Flagged;
            }

            // The second run without its simulator: the test produces every record its new Kafka holds. The first run
            // went on committing until it stopped, so its totals are read here, where nothing writes.
            await using var second = await TestNode.StartInAsync(directory, "Simulator:Enabled=false");
            var firstRun = await second.Store.GetTotalsAsync();
            var records = new TrafficSimulator(new SimulatorOptions { Seed = 11, Accounts = 50, InvalidShare = 0, Start = DateTimeOffset.UtcNow.AddMinutes(-10) })
                .Records().Take(120).ToList();
            var kafka = second.Node.Settings.Kafka;
            using (var producer = KafkaProducer.Create(kafka))
            {
                foreach (var record in records)
                {
                    // The simulator's timestamp, not the broker's "now": the parser measures event time against it, and at
                    // night (few payments) these 120 span more than the 5 minutes ahead of "now" it allows.
                    producer.Produce(kafka.TransactionsTopic, new Message<byte[]?, byte[]?>
                    {
                        Key = Encoding.UTF8.GetBytes(record.Key), Value = record.Value, Timestamp = new Timestamp(record.Timestamp),
                    });
                }

                Assert.Equal(0, producer.Flush(TimeSpan.FromMinutes(1)));
            }

            // The first run's offsets belong to the first run's Kafka. Resumed against the new one, whose partitions start
            // again at 0, they would skip its first records: these 120 would never be stored.
            var seen = string.Empty;
            await Eventually.TrueAsync(async () =>
                {
                    var stored = await second.Store.GetTotalsAsync();
                    if (stored.Transactions == firstRun.Transactions + records.Count)
                    {
                        return true;
                    }

                    // What a failure must tell: how far each partition committed, and what the node says of itself.
                    var commits = await second.Store.GetPartitionCommitsAsync(
                        await second.Node.Infrastructure.KafkaCluster.GetAsync(), kafka.GroupId, kafka.TransactionsTopic);
                    using var ready = await second.Http.GetAsync(new Uri("/ready", UriKind.Relative));
                    seen = $"{stored.Transactions} stored, {stored.DeadLetters} dead letters, commits [{string.Join(", ", commits.Select(c => $"{c.Partition}@{c.NextOffset}"))}], "
                        + $"/ready {(int)ready.StatusCode} {await ready.Content.ReadAsStringAsync()}";
                    return false;
                },
                TimeSpan.FromMinutes(2), () => $"all {records.Count} records of the new Kafka to be stored beside the first run's {firstRun.Transactions} (last seen: {seen})");
            foreach (var record in records)
            {
                Assert.NotNull(await second.Store.GetTransactionAsync(record.Transaction!.TransactionId));
            }

            Assert.NotNull(await second.Store.GetTransactionAsync(alertOfFirstRun));
            Assert.True(firstRun.Flagged >= flaggedInFirstRun);
            Assert.Empty(Directory.GetFiles(directory, "akkafraud-*.db"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
