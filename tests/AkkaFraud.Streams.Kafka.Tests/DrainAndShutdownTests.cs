using Akka.Streams.Dsl;
using AkkaFraud.Streams.Kafka.Tests.Support;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace AkkaFraud.Streams.Kafka.Tests;

public sealed class DrainAndShutdownTests(ITestOutputHelper output) : KafkaTestKit(output)
{
    [Fact]
    public async Task Drain_and_shutdown_finishes_the_in_flight_work_commits_it_and_closes_the_consumer()
    {
        const int Produced = 6000;
        var topic = NewTopic(partitions: 3);
        await ProduceAsync(topic, count: Produced);
        var settings = Settings(consumer: c => c with { CommitInterval = TimeSpan.FromMinutes(10) });
        var store = new InMemoryOffsetStore();
        var emitted = 0;
        var processed = 0;

        var (materialized, done) = KafkaSource.Create(settings, [topic], store)
            .Select(record =>
            {
                Interlocked.Increment(ref emitted);
                return record;
            })
            // Slow asynchronous work (at most ~800 records/s) keeps records in flight when the drain begins.
            .SelectAsync(4, async record =>
            {
                await Task.Delay(5);
                return record;
            })
            .Grouped(10)
            .Select(grouped =>
            {
                var batch = grouped.ToList();
                store.Apply(batch);
                foreach (var last in batch.GroupBy(r => r.TopicPartition).Select(g => g.Last()))
                {
                    last.MarkProcessed();
                }

                Interlocked.Add(ref processed, batch.Count);
                return batch.Count;
            })
            .ToMaterialized(Sink.Ignore<int>(), Keep.Both)
            .Run(Materializer);

        await Eventually(() => Volatile.Read(ref processed) >= 300, "some records are processed");
        await materialized.DrainAndShutdownAsync(done).WaitAsync(Guard);

        // Everything the source emitted was processed: the drain stopped emission and let the rest finish.
        Assert.InRange(Volatile.Read(ref emitted), 300, Produced - 1);
        Assert.Equal(Volatile.Read(ref emitted), Volatile.Read(ref processed));
        Assert.Equal(Volatile.Read(ref emitted), store.AppliedCount);
        Assert.True(materialized.Closed.IsCompletedSuccessfully);
        Assert.Empty(materialized.Assignment);

        // The final commit (the interval alone would not have come) holds exactly what was processed.
        var committed = CommittedOffsets(settings.GroupId, topic, 3);
        for (var partition = 0; partition < 3; partition++)
        {
            var next = store.NextOffset(new TopicPartition(topic, partition));
            Assert.Equal(next, committed.TryGetValue(partition, out var offset) ? offset : null);
        }
    }

    [Fact]
    public async Task Cancelling_the_stream_revokes_the_partitions_and_closes_the_consumer()
    {
        var topic = NewTopic(partitions: 2);
        await ProduceAsync(topic, count: 200);
        var listener = new RecordingListener();

        var (control, done) = KafkaSource.Create(Settings(), [topic], new InMemoryOffsetStore(), listener)
            .Take(50)
            .ToMaterialized(Sink.Ignore<KafkaRecord>(), Keep.Both)
            .Run(Materializer);
        await done.WaitAsync(Guard);
        await control.Closed.WaitAsync(Guard);

        // Closing (not timing out of the group) revokes the partitions: the group can hand them on at once.
        var revoked = Assert.Single(listener.Events.OfType<RecordingListener.Revoked>());
        Assert.False(revoked.Lost);
        Assert.Equal(2, revoked.Partitions.Count);
        Assert.Empty(control.Assignment);
    }
}
