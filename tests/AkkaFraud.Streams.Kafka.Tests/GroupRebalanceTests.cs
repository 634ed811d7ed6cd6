using AkkaFraud.Streams.Kafka.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFraud.Streams.Kafka.Tests;

public sealed class GroupRebalanceTests(ITestOutputHelper output) : KafkaTestKit(output)
{
    [Fact]
    public async Task Partitions_move_when_a_source_joins_and_leaves_and_no_record_is_lost_or_applied_twice()
    {
        const int Partitions = 6;
        var topic = NewTopic(Partitions);
        var store = new InMemoryOffsetStore();
        var settings = Settings(groupId: $"rebalance-{Guid.NewGuid():N}");
        var produced = new List<Confluent.Kafka.DeliveryResult<string, byte[]>>(await ProduceAsync(topic, count: 3000, keys: 300));

        var listenerA = new RecordingListener();
        var (controlA, doneA) = RunIntoStore(settings, topic, store, listenerA, source: "A");
        await Eventually(() => controlA.Assignment.Count == Partitions, "the first source owns every partition");
        await Eventually(() => store.AppliedCount > 0, "the first source is processing");

        // B joins while records keep arriving: the cooperative rebalance gives it a share.
        var listenerB = new RecordingListener();
        var (controlB, doneB) = RunIntoStore(settings, topic, store, listenerB, source: "B");
        var producing = ProduceAsync(topic, count: 3000, keys: 300, firstSequence: 3000);
        await Eventually(
            () => controlA.Assignment.Count > 0 && controlB.Assignment.Count > 0 && controlA.Assignment.Count + controlB.Assignment.Count == Partitions,
            "both sources own a share of the partitions");
        Assert.Empty(controlA.Assignment.Intersect(controlB.Assignment));
        Assert.Contains(listenerA.Events, e => e is RecordingListener.Revoked { Lost: false });
        produced.AddRange(await producing);

        // A leaves: B takes everything, starting where the store says.
        await controlA.DrainAndShutdownAsync(doneA).WaitAsync(Guard);
        await Eventually(() => controlB.Assignment.Count == Partitions, "the remaining source owns every partition");
        produced.AddRange(await ProduceAsync(topic, count: 2000, keys: 300, firstSequence: 6000));

        await Eventually(() => store.AppliedCount == produced.Count, $"all {produced.Count} records are applied");
        await controlB.DrainAndShutdownAsync(doneB).WaitAsync(Guard);

        var taken = listenerB.Events.OfType<RecordingListener.Assigned>().SelectMany(a => a.Partitions).ToList();
        Assert.Equal(Partitions, taken.Select(t => t.Partition.Value).Distinct().Count());
        Assert.Contains(taken, start => !start.Offset.IsSpecial);
        Assert.Equal(
            produced.Select(d => (d.Partition.Value, d.Offset.Value)).Order(),
            store.Applied.Keys.Select(k => (k.Partition.Partition.Value, k.Offset)).Order());
        Assert.All(store.Applied.Values, count => Assert.Equal(1, count));

        // Every source started each partition it was given exactly at the stored offset and skipped nothing: no record
        // was asked for twice, none above the stored offset. Only A, handing partitions to B, may have had a batch of
        // a partition it had just lost refused; B took that partition from the store, so nothing of it was lost.
        var attempts = store.Attempts;
        Assert.DoesNotContain(attempts, a => a.Outcome is ApplyOutcome.AlreadyApplied or ApplyOutcome.Gap);
        Assert.All(attempts.Where(a => a.Outcome == ApplyOutcome.NotOwner), a => Assert.Equal("A", a.Source));
        Assert.Equal(produced.Count, attempts.Count(a => a.Outcome == ApplyOutcome.Applied));
        Assert.Contains(attempts, a => a.Source == "A" && a.Outcome == ApplyOutcome.Applied);
        Assert.Contains(attempts, a => a.Source == "B" && a.Outcome == ApplyOutcome.Applied);
    }
}
