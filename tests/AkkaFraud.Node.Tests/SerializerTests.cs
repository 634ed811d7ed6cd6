using Akka.Actor;
using AkkaFraud.Node.Hosting;
using AkkaFraud.Node.Live;
using AkkaFraud.Node.Management;

namespace AkkaFraud.Node.Tests;

public sealed class Node_message_wire_format : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("serializer-test");

    [Fact]
    public void A_report_survives_the_binary_round_trip_exactly()
    {
        var serializer = new NodeMessageSerializer((ExtendedActorSystem)_system);
        var report = new ScorerStatsReport("akka.tcp://akkafraud@10.0.0.7:4053", new DateTimeOffset(2026, 11, 26, 8, 0, 0, 123, TimeSpan.Zero),
            Consumed: 1_234, Scored: 1_200, Flagged: 12, DeadLettered: 34, IngestGaps: 1, [new LatencyBucket(0, 3), new LatencyBucket(77, 1_000), new LatencyBucket(399, 2)]);

        var copy = (ScorerStatsReport)serializer.FromBinary(serializer.ToBinary(report), serializer.Manifest(report));

        Assert.Equal(report with { Latency = [] }, copy with { Latency = [] });
        Assert.Equal(report.Latency, copy.Latency);
        Assert.Equal(report.Histogram().Quantile(0.99), copy.Histogram().Quantile(0.99));
    }

    [Fact]
    public void A_node_description_and_its_request_survive_the_binary_round_trip_exactly()
    {
        var serializer = new NodeMessageSerializer((ExtendedActorSystem)_system);
        var busy = new NodeDescription("akka.tcp://akkafraud@10.0.0.7:4053", "running", [1, 5, 11], ShardsKnown: true,
            [new HostedShard("1", 300), new HostedShard("5", 0)], ["akka.tcp://akkafraud@10.0.0.8:4053"], 1234.5, 17.25);
        var idle = new NodeDescription("akka.tcp://akkafraud@10.0.0.9:4053", null, [], ShardsKnown: false, [], [], 0, null);

        foreach (var description in new[] { busy, idle })
        {
            var copy = (NodeDescription)serializer.FromBinary(serializer.ToBinary(description), serializer.Manifest(description));
            Assert.Equal(description with { Partitions = [], Shards = [], Unreachable = [] }, copy with { Partitions = [], Shards = [], Unreachable = [] });
            Assert.Equal(description.Partitions, copy.Partitions);
            Assert.Equal(description.Shards, copy.Shards);
            Assert.Equal(description.Unreachable, copy.Unreachable);
        }

        Assert.Same(DescribeNode.Instance, serializer.FromBinary(serializer.ToBinary(DescribeNode.Instance), serializer.Manifest(DescribeNode.Instance)));
    }

    [Fact]
    public void Another_type_is_refused_by_name()
    {
        var serializer = new NodeMessageSerializer((ExtendedActorSystem)_system);
        Assert.Contains("String", Assert.Throws<ArgumentException>(() => serializer.Manifest("not a report")).Message, StringComparison.Ordinal);
    }

    public void Dispose() => _system.Dispose();
}
