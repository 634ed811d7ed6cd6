using System.Collections.Concurrent;
using Akka.Streams.Dsl;
using AkkaFraud.Streams.Kafka.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFraud.Streams.Kafka.Tests;

/// <summary>
/// A listener may hold an assignment (partition-aligned sharding waits for its shards to move first): nothing of the
/// held partitions is emitted until it lets go, and then everything is, once and in order, from the start offset.
/// </summary>
public sealed class PartitionHoldTests(ITestOutputHelper output) : KafkaTestKit(output)
{
    [Fact]
    public async Task A_held_assignment_emits_nothing_until_released_and_then_every_record_once_in_order()
    {
        var topic = NewTopic(partitions: 3);
        var before = await ProduceAsync(topic, count: 3000, keys: 90);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listener = new RecordingListener { HoldAssignment = _ => release.Task };
        var received = new ConcurrentQueue<KafkaRecord>();

        var (control, done) = KafkaSource.Create(Settings(), [topic], new InMemoryOffsetStore(), listener)
            .Select(record =>
            {
                received.Enqueue(record);
                return record;
            })
            .Take(6000)
            .ToMaterialized(Sink.Ignore<KafkaRecord>(), Keep.Both)
            .Run(Materializer);

        await Eventually(() => listener.Events.OfType<RecordingListener.Assigned>().Any(), "the assignment");
        // Long enough for librdkafka to fetch (it does within milliseconds here), so records fetched before the
        // pause took effect are among what the hold keeps.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Empty(received);
        var during = await ProduceAsync(topic, count: 3000, keys: 90, firstSequence: 3000);

        release.SetResult();
        await done.WaitAsync(Guard);
        await control.ShutdownAsync().WaitAsync(Guard);

        var expected = before.Concat(during).Select(d => (d.Partition.Value, d.Offset.Value)).Order().ToList();
        Assert.Equal(expected, received.Select(r => (r.Partition, r.Offset)).Order().ToList());
        foreach (var partition in received.GroupBy(r => r.Partition))
        {
            var offsets = partition.Select(r => r.Offset).ToList();
            Assert.Equal(offsets.Order(), offsets);
        }
    }
}
