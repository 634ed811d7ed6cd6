using Akka.Streams.Dsl;
using AkkaFraud.Streams.Kafka.Embedded;
using AkkaFraud.Streams.Kafka.Tests.Support;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace AkkaFraud.Streams.Kafka.Tests;

public sealed class FatalErrorTests(ITestOutputHelper output) : KafkaTestKit(output)
{
    [Fact]
    public async Task A_fatal_consumer_error_fails_the_stream_and_closes_the_consumer()
    {
        var topic = NewTopic(partitions: 1);
        var settings = Settings(consumer: c => c with
        {
            Properties = new Dictionary<string, string>(c.Properties) { ["group.instance.id"] = "scorer-1" },
        });
        // Another member with our static identity took over: librdkafka treats that as fatal.
        Kafka.PushRequestErrors(KafkaApiKey.JoinGroup, ErrorCode.FencedInstanceId);

        var (control, done) = KafkaSource.Create(settings, [topic], new InMemoryOffsetStore())
            .ToMaterialized(Sink.Ignore<KafkaRecord>(), Keep.Both)
            .Run(Materializer);

        var failure = await Assert.ThrowsAsync<KafkaException>(() => done.WaitAsync(Guard));
        Assert.True(failure.Error.IsFatal);
        Assert.Equal(ErrorCode.FencedInstanceId, failure.Error.Code);
        await control.Closed.WaitAsync(Guard);
    }
}
