using AkkaFraud.Streams.Kafka.Tests.Support;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace AkkaFraud.Streams.Kafka.Tests;

public sealed class RestartFromStoredOffsetsTests(ITestOutputHelper output) : KafkaTestKit(output)
{
    [Fact]
    public async Task A_restarted_source_starts_at_the_stored_offsets_with_no_gap_and_no_loss()
    {
        var topic = NewTopic(partitions: 4);
        var store = new InMemoryOffsetStore();
        var settings = Settings();
        var first = await ProduceAsync(topic, count: 2000, keys: 100);

        var firstRun = new RecordingListener();
        var (control, done) = RunIntoStore(settings, topic, store, firstRun, source: "first");
        await Eventually(() => store.AppliedCount == 2000, "the first run applied every record");
        await control.DrainAndShutdownAsync(done).WaitAsync(Guard);

        var stored = Enumerable.Range(0, 4).ToDictionary(p => p, p => store.NextOffset(new TopicPartition(topic, p)));
        var second = await ProduceAsync(topic, count: 2000, keys: 100, firstSequence: 2000);

        var secondRun = new RecordingListener();
        var emittedAgain = 0;
        (control, done) = RunIntoStore(settings, topic, store, secondRun, onEmitted: _ => Interlocked.Increment(ref emittedAgain), source: "second");
        await Eventually(() => store.AppliedCount == 4000, "the second run applied the new records");
        await control.DrainAndShutdownAsync(done).WaitAsync(Guard);

        // The second run started every partition exactly where the store said, so it read only new records.
        var assigned = secondRun.Events.OfType<RecordingListener.Assigned>().SelectMany(a => a.Partitions).ToList();
        Assert.Equal(4, assigned.Count);
        Assert.All(assigned, start => Assert.Equal(stored[start.Partition.Value], start.Offset.Value));
        Assert.Equal(2000, emittedAgain);

        // No gap, no loss: the applied records are exactly the produced ones, each once.
        var producedCoordinates = first.Concat(second).Select(d => (d.Partition.Value, d.Offset.Value)).Order();
        Assert.Equal(producedCoordinates, store.Applied.Keys.Select(k => (k.Partition.Partition.Value, k.Offset)).Order());
        Assert.All(store.Applied.Values, count => Assert.Equal(1, count));

        // The store was asked for each record exactly once, and each was the next one of its partition: the second run
        // offered nothing the first had applied, and neither run skipped ahead.
        var attempts = store.Attempts;
        Assert.All(attempts, a => Assert.Equal(ApplyOutcome.Applied, a.Outcome));
        Assert.Equal(2000, attempts.Count(a => a.Source == "first"));
        Assert.Equal(2000, attempts.Count(a => a.Source == "second"));
    }
}
