using System.Buffers;
using Akka.Actor;
using Akka.Serialization;
using MessagePack;

namespace AkkaFraud.Node.Live;

/// <summary>Binary wire form of <see cref="ScorerStatsReport"/> (MessagePack, field by field, like the cluster's own serializer).</summary>
public sealed class NodeMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 7302;
    private const string ReportManifest = "SR";

    public override int Identifier => Id;

    public override string Manifest(object o) => o is ScorerStatsReport
        ? ReportManifest
        : throw new ArgumentException($"{o?.GetType()} is not a message of {nameof(NodeMessageSerializer)}", nameof(o));

    public override byte[] ToBinary(object obj)
    {
        if (obj is not ScorerStatsReport report)
        {
            throw new ArgumentException($"{obj?.GetType()} is not a message of {nameof(NodeMessageSerializer)}", nameof(obj));
        }

        var buffer = new ArrayBufferWriter<byte>(128);
        var writer = new MessagePackWriter(buffer);
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

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (manifest != ReportManifest)
        {
            throw new ArgumentException($"Unknown manifest {manifest}", nameof(manifest));
        }

        var reader = new MessagePackReader(bytes);
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
}
