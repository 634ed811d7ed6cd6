using AkkaFraud.Streams.Kafka.Embedded;
using AkkaFraud.Streams.Kafka.Tests.Support;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace AkkaFraud.Streams.Kafka.Tests;

public sealed class BrokerOutageTests(ITestOutputHelper output) : KafkaTestKit(output)
{
    [Fact]
    public async Task When_the_brokers_go_down_the_source_stalls_turns_unhealthy_and_resumes_without_loss_when_they_return()
    {
        var topic = NewTopic(partitions: 3);
        var store = new InMemoryOffsetStore();
        var listener = new RecordingListener();
        var settings = Settings(consumer: c => c with { UnreachableTimeout = TimeSpan.FromSeconds(1) });
        var (control, done) = RunIntoStore(settings, topic, store, listener);

        // Records keep flowing, and with them advisory commits, right up to the outage.
        var producing = ProduceSteadilyAsync(topic, batches: 30, batchSize: 100);
        await Eventually(() => store.AppliedCount >= 500, "records are being processed");
        Kafka.SetBrokerDown(EmbeddedKafka.AllBrokers);
        await Eventually(() => !control.Health.IsHealthy, "the source reports itself unhealthy");
        Assert.Contains("no Kafka broker reachable", control.Health.Reason, StringComparison.Ordinal);
        var assignedBefore = control.Assignment.Order().ToList();

        // Stalled, not failed: while the brokers stay down nothing more is applied, the stream neither fails nor
        // completes, the source keeps its partitions, and records are still waiting to be produced and consumed.
        var appliedWhenUnhealthy = store.AppliedCount;
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(appliedWhenUnhealthy, store.AppliedCount);
        Assert.False(done.IsCompleted, "the stream waits for the brokers instead of ending");
        Assert.False(producing.IsCompleted, "records were still to come when the brokers went down");
        Assert.Equal(assignedBefore, control.Assignment.Order().ToList());
        Assert.Equal(3, assignedBefore.Count);

        Kafka.SetBrokerUp(EmbeddedKafka.AllBrokers);
        var produced = await producing;
        await Eventually(() => store.AppliedCount == produced.Count, "every record produced around the outage is applied");
        await Eventually(() => control.Health.IsHealthy, "the source is healthy again");
        await control.DrainAndShutdownAsync(done).WaitAsync(Guard);

        Assert.Equal([false, true], listener.HealthChanges.Select(h => h.IsHealthy));
        Assert.Equal(
            produced.Select(d => (d.Partition.Value, d.Offset.Value)).Order(),
            store.Applied.Keys.Select(k => (k.Partition.Partition.Value, k.Offset)).Order());
        // It resumed exactly where it stalled: no record offered twice, none skipped.
        Assert.All(store.Attempts, a => Assert.Equal(ApplyOutcome.Applied, a.Outcome));
        Assert.True(store.AppliedCount > appliedWhenUnhealthy, "records were applied after the brokers returned");
    }

    private async Task<List<DeliveryResult<string, byte[]>>> ProduceSteadilyAsync(string topic, int batches, int batchSize)
    {
        var produced = new List<DeliveryResult<string, byte[]>>();
        for (var batch = 0; batch < batches; batch++)
        {
            produced.AddRange(await ProduceAsync(topic, batchSize, firstSequence: batch * batchSize));
            await Task.Delay(20);
        }

        return produced;
    }
}
