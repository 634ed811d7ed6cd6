using Akka.Streams.Dsl;
using AkkaFraud.Streams.Kafka.Embedded;
using AkkaFraud.Streams.Kafka.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFraud.Streams.Kafka.Tests;

public sealed class SourceClockTests(ITestOutputHelper output) : KafkaTestKit(output)
{
    [Fact]
    public async Task Unreachable_brokers_make_the_source_unhealthy_once_the_timeout_has_passed_on_its_clock()
    {
        var topic = NewTopic(partitions: 1);
        var clock = new JumpAheadClock();
        var listener = new RecordingListener();
        var settings = Settings(consumer: c => c with { UnreachableTimeout = TimeSpan.FromHours(1) });
        var (control, done) = KafkaSource.Create(settings, [topic], new InMemoryOffsetStore(), listener, clock)
            .ToMaterialized(Sink.Ignore<KafkaRecord>(), Keep.Both)
            .Run(Materializer);
        await Eventually(() => control.Assignment.Count == 1, "the partition is assigned");

        Kafka.SetBrokerDown(EmbeddedKafka.AllBrokers);
        // Statistics every 200 ms see the outage long before this; on the source's clock an hour has not passed yet.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.True(control.Health.IsHealthy, control.Health.Reason);

        clock.JumpAhead(TimeSpan.FromHours(1));
        await Eventually(() => !control.Health.IsHealthy, "the source reports itself unhealthy");
        Assert.Matches("^no Kafka broker reachable for 36[0-9]{2} s", control.Health.Reason);
        Assert.InRange(control.Health.Since, DateTimeOffset.UtcNow + TimeSpan.FromMinutes(59), clock.GetUtcNow());

        Kafka.SetBrokerUp(EmbeddedKafka.AllBrokers);
        await Eventually(() => control.Health.IsHealthy, "the source is healthy again");
        await control.DrainAndShutdownAsync(done).WaitAsync(Guard);
        Assert.Equal([false, true], listener.HealthChanges.Select(h => h.IsHealthy));
    }
}
