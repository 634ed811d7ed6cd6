using System.Buffers;
using Akka.Actor;
using Akka.Serialization;
using AkkaFraud.Node.Live;
using AkkaFraud.Node.Management;
using MessagePack;

namespace AkkaFraud.Node.Hosting;

/// <summary>
/// Binary wire form of the messages nodes send one another outside the cluster's own protocol: the scorers' stats
/// reports, and the management API's <see cref="DescribeNode"/> and <see cref="NodeDescription"/> (MessagePack, field
/// by field, like the cluster's own serializer).
/// </summary>
public sealed class NodeMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 7302;
    private const string ReportManifest = "SR";
    private const string DescribeManifest = "DN";
    private const string DescriptionManifest = "ND";

    /// <summary>The types bound to this serializer.</summary>
    public static IReadOnlyList<Type> Types { get; } = [typeof(ScorerStatsReport), typeof(DescribeNode), typeof(NodeDescription)];

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        ScorerStatsReport => ReportManifest,
        DescribeNode => DescribeManifest,
        NodeDescription => DescriptionManifest,
        _ => throw NotOurs(o, nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        var writer = new MessagePackWriter(buffer);
        switch (obj)
        {
            case ScorerStatsReport report:
                Write(ref writer, report);
                break;
            case DescribeNode:
                writer.WriteNil();
                break;
            case NodeDescription description:
                Write(ref writer, description);
                break;
            default:
                throw NotOurs(obj, nameof(obj));
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var reader = new MessagePackReader(bytes);
        return manifest switch
        {
            ReportManifest => ReadReport(ref reader),
            DescribeManifest => DescribeNode.Instance,
            DescriptionManifest => ReadDescription(ref reader),
            _ => throw new ArgumentException($"Unknown manifest {manifest}", nameof(manifest)),
        };
    }

    private static ArgumentException NotOurs(object? o, string parameter) =>
        new($"{o?.GetType()} is not a message of {nameof(NodeMessageSerializer)}", parameter);

    private static void Write(ref MessagePackWriter writer, ScorerStatsReport report)
    {
        writer.WriteArrayHeader(8);
        writer.Write(report.Node);
        writer.Write(report.At.UtcTicks);
        writer.Write(report.Consumed);
        writer.Write(report.Scored);
        writer.Write(report.Flagged);
        writer.Write(report.DeadLettered);
        writer.Write(report.IngestGaps);
        writer.WriteArrayHeader(report.Latency.Count * 2);
        foreach (var bucket in report.Latency)
        {
            writer.Write(bucket.Bucket);
            writer.Write(bucket.Count);
        }
    }

    private static ScorerStatsReport ReadReport(ref MessagePackReader reader)
    {
        _ = reader.ReadArrayHeader();
        var node = reader.ReadString() ?? string.Empty;
        var at = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
        var consumed = reader.ReadInt64();
        var scored = reader.ReadInt64();
        var flagged = reader.ReadInt64();
        var deadLettered = reader.ReadInt64();
        var gaps = reader.ReadInt64();
        var length = reader.ReadArrayHeader() / 2;
        var latency = new LatencyBucket[length];
        for (var i = 0; i < length; i++)
        {
            latency[i] = new LatencyBucket(reader.ReadInt32(), reader.ReadInt64());
        }

        return new ScorerStatsReport(node, at, consumed, scored, flagged, deadLettered, gaps, latency);
    }

    private static void Write(ref MessagePackWriter writer, NodeDescription description)
    {
        writer.WriteArrayHeader(8);
        writer.Write(description.Node);
        writer.Write(description.Pipeline);
        writer.WriteArrayHeader(description.Partitions.Count);
        foreach (var partition in description.Partitions)
        {
            writer.Write(partition);
        }

        writer.Write(description.ShardsKnown);
        writer.WriteArrayHeader(description.Shards.Count * 2);
        foreach (var shard in description.Shards)
        {
            writer.Write(shard.ShardId);
            writer.Write(shard.Entities);
        }

        writer.WriteArrayHeader(description.Unreachable.Count);
        foreach (var node in description.Unreachable)
        {
            writer.Write(node);
        }

        writer.Write(description.TransactionsPerSecond);
        if (description.BatchWriteMs is { } writeMs)
        {
            writer.Write(writeMs);
        }
        else
        {
            writer.WriteNil();
        }
    }

    private static NodeDescription ReadDescription(ref MessagePackReader reader)
    {
        _ = reader.ReadArrayHeader();
        var node = reader.ReadString() ?? string.Empty;
        var pipeline = reader.ReadString();
        var partitions = new int[reader.ReadArrayHeader()];
        for (var i = 0; i < partitions.Length; i++)
        {
            partitions[i] = reader.ReadInt32();
        }

        var shardsKnown = reader.ReadBoolean();
        var shards = new HostedShard[reader.ReadArrayHeader() / 2];
        for (var i = 0; i < shards.Length; i++)
        {
            shards[i] = new HostedShard(reader.ReadString() ?? string.Empty, reader.ReadInt32());
        }

        var unreachable = new string[reader.ReadArrayHeader()];
        for (var i = 0; i < unreachable.Length; i++)
        {
            unreachable[i] = reader.ReadString() ?? string.Empty;
        }

        var rate = reader.ReadDouble();
        double? writeMs = reader.TryReadNil() ? null : reader.ReadDouble();
        return new NodeDescription(node, pipeline, partitions, shardsKnown, shards, unreachable, rate, writeMs);
    }
}
