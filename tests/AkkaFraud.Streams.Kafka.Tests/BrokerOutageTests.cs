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
        var appliedDuringOutage = store.AppliedCount;
        Assert.True(appliedDuringOutage < 3000, "the stream stalled");

        Kafka.SetBrokerUp(EmbeddedKafka.AllBrokers);
        var produced = await producing;
        await Eventually(() => store.AppliedCount == produced.Count, "every record produced around the outage is applied");
        await Eventually(() => control.Health.IsHealthy, "the source is healthy again");
        await control.DrainAndShutdownAsync(done).WaitAsync(Guard);

        Assert.Equal([false, true], listener.HealthChanges.Select(h => h.IsHealthy));
        Assert.Equal(
            produced.Select(d => (d.Partition.Value, d.Offset.Value)).Order(),
            store.Applied.Keys.Select(k => (k.Partition.Partition.Value, k.Offset)).Order());
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
