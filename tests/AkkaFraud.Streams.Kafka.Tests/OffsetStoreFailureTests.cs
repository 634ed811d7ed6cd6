using Akka.Streams.Dsl;
using AkkaFraud.Streams.Kafka.Tests.Support;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace AkkaFraud.Streams.Kafka.Tests;

public sealed class OffsetStoreFailureTests(ITestOutputHelper output) : KafkaTestKit(output)
{
    [Fact]
    public async Task Transient_offset_store_failures_are_retried_during_the_assignment()
    {
        var topic = NewTopic(partitions: 2);
        var produced = await ProduceAsync(topic, count: 200);
        var store = new FlakyStore(failures: 2);

        var (control, records) = KafkaSource.Create(Settings(), [topic], store)
            .Take(produced.Count)
            .ToMaterialized(Sink.Seq<KafkaRecord>(), Keep.Both)
            .Run(Materializer);

        Assert.Equal(produced.Count, (await records.WaitAsync(Guard)).Count);
        await control.Closed.WaitAsync(Guard);
        Assert.Equal(3, store.Calls);
    }

    [Fact]
    public async Task An_offset_store_that_never_answers_fails_the_stream()
    {
        var topic = NewTopic(partitions: 1);
        var store = new FlakyStore(failures: int.MaxValue);
        var settings = Settings(consumer: c => c with { OffsetStoreTimeout = TimeSpan.FromSeconds(1) });

        var (control, done) = KafkaSource.Create(settings, [topic], store)
            .ToMaterialized(Sink.Ignore<KafkaRecord>(), Keep.Both)
            .Run(Materializer);

        var failure = await Assert.ThrowsAsync<KafkaOffsetStoreException>(() => done.WaitAsync(Guard));
        Assert.IsType<TimeoutException>(failure.InnerException);
        await control.Closed.WaitAsync(Guard);
    }

    private sealed class FlakyStore(int failures) : IKafkaOffsetStore
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<IReadOnlyDictionary<TopicPartition, long>> GetStartOffsetsAsync(IReadOnlyList<TopicPartition> partitions, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) <= failures
                ? Task.FromException<IReadOnlyDictionary<TopicPartition, long>>(new TimeoutException("database unavailable"))
                : Task.FromResult<IReadOnlyDictionary<TopicPartition, long>>(new Dictionary<TopicPartition, long>());
    }
}
