using System.Buffers;
using System.Collections.Immutable;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using AkkaFraud.Cluster.Accounts;
using AkkaFraud.Domain;
using MessagePack;

namespace AkkaFraud.Cluster.Serialization;

/// <summary>
/// Binary wire format of <see cref="IFraudMessage"/>s and <see cref="FraudAlert"/>s (published cluster-wide): MessagePack, written field by field (arrays in a fixed order,
/// nil for absent values), so the format is explicit here and no reflection runs on the hot path. Decimals travel as
/// their four 32-bit parts and times as UTC ticks, so every value round-trips exactly: verdicts computed on another
/// node must equal the oracle's to the last digit.
/// </summary>
public sealed class FraudMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 7301;

    private const string ScoreManifest = "ST";
    private const string ScoredManifest = "TS";
    private const string SummaryQueryManifest = "GS";
    private const string SummaryManifest = "AS";
    private const string AlertManifest = "FA";
    private const string LocateManifest = "LS";
    private const string LocatedManifest = "SL";

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        ScoreTransaction => ScoreManifest,
        TransactionScored => ScoredManifest,
        GetAccountSummary => SummaryQueryManifest,
        AccountSummary => SummaryManifest,
        FraudAlert => AlertManifest,
        LocateShard => LocateManifest,
        ShardLocated => LocatedManifest,
        _ => throw new ArgumentException($"{o.GetType()} is not a message of {nameof(FraudMessageSerializer)}", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var writer = new MessagePackWriter(buffer);
        switch (obj)
        {
            case ScoreTransaction m:
                writer.WriteArrayHeader(5);
                writer.Write(m.CorrelationId);
                writer.Write(m.Partition);
                writer.Write(m.Offset);
                writer.Write(m.Epoch);
                WriteTransaction(ref writer, m.Transaction);
                break;
            case TransactionScored m:
                writer.WriteArrayHeader(3);
                writer.Write(m.CorrelationId);
                WriteVerdict(ref writer, m.Verdict);
                writer.Write(m.Checkpoint);
                break;
            case GetAccountSummary m:
                writer.WriteArrayHeader(2);
                writer.Write(m.AccountId);
                writer.Write(m.Partition);
                break;
            case AccountSummary m:
                writer.WriteArrayHeader(5);
                writer.Write(m.AccountId);
                writer.Write(m.TransactionCount);
                writer.Write(m.RetainedTransactions);
                WriteTime(ref writer, m.FirstEventTime);
                WriteTime(ref writer, m.LastEventTime);
                break;
            case FraudAlert m:
                writer.WriteArrayHeader(2);
                WriteTransaction(ref writer, m.Transaction);
                WriteVerdict(ref writer, m.Verdict);
                break;
            case LocateShard m:
                writer.WriteArrayHeader(1);
                writer.Write(m.Partition);
                break;
            case ShardLocated m:
                writer.WriteArrayHeader(2);
                writer.Write(m.Partition);
                writer.Write(m.NodeAddress);
                break;
            default:
                throw new ArgumentException($"{obj.GetType()} is not a message of {nameof(FraudMessageSerializer)}", nameof(obj));
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var reader = new MessagePackReader(bytes);
        switch (manifest)
        {
            case ScoreManifest:
                Expect(ref reader, 5);
                return new ScoreTransaction(reader.ReadInt64(), reader.ReadInt32(), reader.ReadInt64(), reader.ReadInt64(), ReadTransaction(ref reader));
            case ScoredManifest:
                Expect(ref reader, 3);
                return new TransactionScored(reader.ReadInt64(), ReadVerdict(ref reader), reader.ReadBytes()?.ToArray());
            case SummaryQueryManifest:
                Expect(ref reader, 2);
                return new GetAccountSummary(reader.ReadString()!, reader.ReadInt32());
            case SummaryManifest:
                Expect(ref reader, 5);
                return new AccountSummary(reader.ReadString()!, reader.ReadInt64(), reader.ReadInt32(), ReadTime(ref reader), ReadTime(ref reader));
            case AlertManifest:
                Expect(ref reader, 2);
                return new FraudAlert(ReadTransaction(ref reader), ReadVerdict(ref reader));
            case LocateManifest:
                Expect(ref reader, 1);
                return new LocateShard(reader.ReadInt32());
            case LocatedManifest:
                Expect(ref reader, 2);
                return new ShardLocated(reader.ReadInt32(), reader.ReadString()!);
            default:
                throw new SerializationException($"Unknown manifest '{manifest}' for {nameof(FraudMessageSerializer)}");
        }
    }

    private static void Expect(ref MessagePackReader reader, int fields)
    {
        var count = reader.ReadArrayHeader();
        if (count != fields)
        {
            throw new SerializationException($"Expected {fields} fields, found {count}");
        }
    }

    private static void WriteTransaction(ref MessagePackWriter writer, Transaction t)
    {
        writer.WriteArrayHeader(17);
        writer.Write(t.TransactionId);
        writer.Write(t.AccountId);
        writer.Write(t.EventTime.UtcTicks);
        WriteDecimal(ref writer, t.Amount);
        writer.Write(t.Currency);
        writer.Write((int)t.Type);
        writer.Write((int)t.Channel);
        writer.Write(t.MerchantId);
        writer.Write(t.MerchantName);
        writer.Write(t.MerchantCategory);
        writer.Write(t.CounterpartyId);
        writer.Write(t.Country);
        WriteDouble(ref writer, t.Latitude);
        WriteDouble(ref writer, t.Longitude);
        writer.Write(t.DeviceId);
        WriteOptionalDecimal(ref writer, t.BalanceBefore);
        WriteOptionalDecimal(ref writer, t.BalanceAfter);
    }

    private static Transaction ReadTransaction(ref MessagePackReader reader)
    {
        // 15 fields: a node from before balances (a rolling upgrade); 17 since.
        var count = reader.ReadArrayHeader();
        if (count is not (15 or 17))
        {
            throw new SerializationException($"Expected 15 or 17 fields of a transaction, found {count}");
        }

        return new Transaction
        {
            TransactionId = reader.ReadString()!,
            AccountId = reader.ReadString()!,
            EventTime = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero),
            Amount = ReadDecimal(ref reader),
            Currency = reader.ReadString()!,
            Type = (TransactionType)reader.ReadInt32(),
            Channel = (Channel)reader.ReadInt32(),
            MerchantId = reader.ReadString(),
            MerchantName = reader.ReadString(),
            MerchantCategory = reader.ReadString(),
            CounterpartyId = reader.ReadString(),
            Country = reader.ReadString()!,
            Latitude = ReadDouble(ref reader),
            Longitude = ReadDouble(ref reader),
            DeviceId = reader.ReadString(),
            BalanceBefore = count == 17 ? ReadOptionalDecimal(ref reader) : null,
            BalanceAfter = count == 17 ? ReadOptionalDecimal(ref reader) : null,
        };
    }

    private static void WriteOptionalDecimal(ref MessagePackWriter writer, decimal? value)
    {
        if (value is { } d)
        {
            WriteDecimal(ref writer, d);
        }
        else
        {
            writer.WriteNil();
        }
    }

    private static decimal? ReadOptionalDecimal(ref MessagePackReader reader) => reader.TryReadNil() ? null : ReadDecimal(ref reader);

    private static void WriteVerdict(ref MessagePackWriter writer, Verdict v)
    {
        writer.WriteArrayHeader(7);
        writer.Write(v.TransactionId);
        writer.Write(v.AccountId);
        writer.Write(v.Score);
        writer.Write((int)v.Decision);
        writer.Write(v.RuleSetVersion);
        writer.Write(v.IsDuplicate);
        writer.WriteArrayHeader(v.Reasons.Length);
        foreach (var r in v.Reasons)
        {
            writer.WriteArrayHeader(6);
            writer.Write(r.RuleId);
            writer.Write((int)r.Kind);
            WriteDecimal(ref writer, r.Observed);
            WriteDecimal(ref writer, r.Limit);
            writer.Write(r.Weight);
            writer.Write(r.Message);
        }
    }

    private static Verdict ReadVerdict(ref MessagePackReader reader)
    {
        Expect(ref reader, 7);
        var transactionId = reader.ReadString()!;
        var accountId = reader.ReadString()!;
        var score = reader.ReadInt32();
        var decision = (Decision)reader.ReadInt32();
        var version = reader.ReadInt32();
        var duplicate = reader.ReadBoolean();
        var reasons = ImmutableArray.CreateBuilder<Reason>(reader.ReadArrayHeader());
        for (var i = 0; i < reasons.Capacity; i++)
        {
            Expect(ref reader, 6);
            reasons.Add(new Reason(reader.ReadString()!, (RuleKind)reader.ReadInt32(), ReadDecimal(ref reader), ReadDecimal(ref reader), reader.ReadInt32(), reader.ReadString()!));
        }

        return new Verdict
        {
            TransactionId = transactionId,
            AccountId = accountId,
            Score = score,
            Decision = decision,
            RuleSetVersion = version,
            IsDuplicate = duplicate,
            Reasons = reasons.MoveToImmutable(),
        };
    }

    private static void WriteDecimal(ref MessagePackWriter writer, decimal value)
    {
        Span<int> parts = stackalloc int[4];
        decimal.GetBits(value, parts);
        writer.WriteArrayHeader(4);
        foreach (var part in parts)
        {
            writer.Write(part);
        }
    }

    private static decimal ReadDecimal(ref MessagePackReader reader)
    {
        Expect(ref reader, 4);
        ReadOnlySpan<int> parts = [reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32()];
        return new decimal(parts);
    }

    private static void WriteDouble(ref MessagePackWriter writer, double? value)
    {
        if (value is { } v)
        {
            writer.Write(v);
        }
        else
        {
            writer.WriteNil();
        }
    }

    private static double? ReadDouble(ref MessagePackReader reader) => reader.TryReadNil() ? null : reader.ReadDouble();

    private static void WriteTime(ref MessagePackWriter writer, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            writer.Write(v.UtcTicks);
        }
        else
        {
            writer.WriteNil();
        }
    }

    private static DateTimeOffset? ReadTime(ref MessagePackReader reader) => reader.TryReadNil() ? null : new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
}
