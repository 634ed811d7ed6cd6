using System.Buffers.Binary;

namespace AkkaFraud.Domain;

/// <summary>
/// What the engine remembers about one account: its recent transactions in event-time order (enough history for the
/// longest rule window plus the allowed lateness), the newest geo-location, and a small profile. Owned by one account
/// actor and changed only through <see cref="RuleEngine.Apply"/>; <see cref="ToBytes"/> is its stable checkpoint form.
/// </summary>
public sealed class AccountState
{
    /// <summary>Hard bound on retained entries, whatever the rules ask: a runaway producer cannot grow state unbounded.</summary>
    public const int MaxEntries = 2048;

    private const byte FormatVersion = 1;
    private const long AmountScale = 10_000; // amounts have at most 4 decimals (ParserLimits.MaxAmountDecimals)

    private Entry[] _entries = [];
    private int _count;

    /// <summary>Greatest event time applied so far (Unix ms), or <see cref="long.MinValue"/> for a new account.</summary>
    public long MaxEventTimeMs { get; private set; } = long.MinValue;

    /// <summary>How many distinct transactions the account has scored, ever.</summary>
    public long TransactionCount { get; private set; }

    public long FirstEventTimeMs { get; private set; } = long.MaxValue;

    /// <summary>The geo-located transaction with the greatest event time, kept even when it leaves the window.</summary>
    public Location? LastLocation { get; private set; }

    public int RetainedCount => _count;

    public readonly record struct Location(long EventTimeMs, double Latitude, double Longitude);

    private readonly record struct Entry(long EventTimeMs, long AmountUnits, ulong IdHash, bool HasLocation, double Latitude, double Longitude);

    /// <summary>Whether a transaction with this id is among the retained ones.</summary>
    public bool Contains(string transactionId)
    {
        var hash = IdHash(transactionId);
        for (var i = 0; i < _count; i++)
        {
            if (_entries[i].IdHash == hash)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Count and sum of retained transactions with event time in (fromExclusiveMs, toInclusiveMs].</summary>
    public (int Count, decimal Sum) CountAndSum(long fromExclusiveMs, long toInclusiveMs)
    {
        var count = 0;
        // Int128: thousands of amounts near the stored maximum (10^18 units each) overflow a long.
        Int128 units = 0;
        for (var i = FirstAfter(fromExclusiveMs); i < _count && _entries[i].EventTimeMs <= toInclusiveMs; i++)
        {
            count++;
            units += _entries[i].AmountUnits;
        }

        return (count, (decimal)units / AmountScale);
    }

    /// <summary>Count of retained transactions of at most <paramref name="maxAmount"/> with event time in (from, to].</summary>
    public int CountAtMost(long fromExclusiveMs, long toInclusiveMs, decimal maxAmount)
    {
        var maxUnits = ToUnits(maxAmount);
        var count = 0;
        for (var i = FirstAfter(fromExclusiveMs); i < _count && _entries[i].EventTimeMs <= toInclusiveMs; i++)
        {
            if (_entries[i].AmountUnits <= maxUnits)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// The latest geo-located transaction at or before <paramref name="eventTimeMs"/>: among equal event times the one
    /// applied last. Falls back to <see cref="LastLocation"/> when that one has left the window.
    /// </summary>
    public Location? PreviousLocation(long eventTimeMs)
    {
        for (var i = FirstAfter(eventTimeMs) - 1; i >= 0; i--)
        {
            var entry = _entries[i];
            if (entry.HasLocation)
            {
                return new Location(entry.EventTimeMs, entry.Latitude, entry.Longitude);
            }
        }

        return LastLocation is { } last && last.EventTimeMs <= eventTimeMs ? last : null;
    }

    /// <summary>Records a transaction; keeps entries sorted by event time, stable in arrival order for equal times.</summary>
    internal void Add(Transaction transaction, long horizonMs)
    {
        var eventTime = transaction.EventTimeMs;
        var entry = new Entry(eventTime, ToUnits(transaction.Amount), IdHash(transaction.TransactionId),
            transaction.HasLocation, transaction.Latitude ?? 0, transaction.Longitude ?? 0);
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, Math.Max(4, _count * 2));
        }

        var at = FirstAfter(eventTime);
        Array.Copy(_entries, at, _entries, at + 1, _count - at);
        _entries[at] = entry;
        _count++;

        TransactionCount++;
        FirstEventTimeMs = Math.Min(FirstEventTimeMs, eventTime);
        MaxEventTimeMs = Math.Max(MaxEventTimeMs, eventTime);
        if (transaction.HasLocation && (LastLocation is null || LastLocation.Value.EventTimeMs <= eventTime))
        {
            LastLocation = new Location(eventTime, transaction.Latitude!.Value, transaction.Longitude!.Value);
        }

        Prune(MaxEventTimeMs - horizonMs);
    }

    private void Prune(long keepFromMs)
    {
        var drop = 0;
        while (drop < _count && (_entries[drop].EventTimeMs < keepFromMs || _count - drop > MaxEntries))
        {
            drop++;
        }

        if (drop == 0)
        {
            return;
        }

        Array.Copy(_entries, drop, _entries, 0, _count - drop);
        _count -= drop;
        if (_entries.Length > 16 && _count < _entries.Length / 4)
        {
            Array.Resize(ref _entries, Math.Max(4, _entries.Length / 2));
        }
    }

    /// <summary>Index of the first entry with event time greater than <paramref name="eventTimeMs"/>.</summary>
    private int FirstAfter(long eventTimeMs)
    {
        int low = 0, high = _count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (_entries[mid].EventTimeMs <= eventTimeMs)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    private static long ToUnits(decimal amount) => (long)decimal.Round(amount * AmountScale, 0, MidpointRounding.ToEven);

    /// <summary>FNV-1a 64 over the id's UTF-16 code units: stable across processes and versions, unlike string.GetHashCode.</summary>
    internal static ulong IdHash(string id)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in id)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    /// <summary>The checkpoint form: little-endian, versioned, about 33 bytes per retained transaction.</summary>
    public byte[] ToBytes()
    {
        const int header = 1 + 8 + 8 + 8 + 1 + 24 + 4;
        var buffer = new byte[header + (_count * 41)];
        var span = buffer.AsSpan();
        span[0] = FormatVersion;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], MaxEventTimeMs);
        BinaryPrimitives.WriteInt64LittleEndian(span[9..], TransactionCount);
        BinaryPrimitives.WriteInt64LittleEndian(span[17..], FirstEventTimeMs);
        span[25] = LastLocation is null ? (byte)0 : (byte)1;
        var last = LastLocation.GetValueOrDefault();
        BinaryPrimitives.WriteInt64LittleEndian(span[26..], last.EventTimeMs);
        BinaryPrimitives.WriteDoubleLittleEndian(span[34..], last.Latitude);
        BinaryPrimitives.WriteDoubleLittleEndian(span[42..], last.Longitude);
        BinaryPrimitives.WriteInt32LittleEndian(span[50..], _count);
        var offset = header;
        for (var i = 0; i < _count; i++)
        {
            var e = _entries[i];
            BinaryPrimitives.WriteInt64LittleEndian(span[offset..], e.EventTimeMs);
            BinaryPrimitives.WriteInt64LittleEndian(span[(offset + 8)..], e.AmountUnits);
            BinaryPrimitives.WriteUInt64LittleEndian(span[(offset + 16)..], e.IdHash);
            span[offset + 24] = e.HasLocation ? (byte)1 : (byte)0;
            offset += 25;
            if (e.HasLocation)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(span[offset..], e.Latitude);
                BinaryPrimitives.WriteDoubleLittleEndian(span[(offset + 8)..], e.Longitude);
                offset += 16;
            }
        }

        return buffer[..offset];
    }

    /// <summary>Reads <see cref="ToBytes"/>' form; a corrupt or foreign buffer is a <see cref="FormatException"/>.</summary>
    public static AccountState FromBytes(ReadOnlySpan<byte> bytes)
    {
        try
        {
            if (bytes.Length < 54 || bytes[0] != FormatVersion)
            {
                throw new FormatException($"not an account checkpoint of format {FormatVersion}");
            }

            var state = new AccountState
            {
                MaxEventTimeMs = BinaryPrimitives.ReadInt64LittleEndian(bytes[1..]),
                TransactionCount = BinaryPrimitives.ReadInt64LittleEndian(bytes[9..]),
                FirstEventTimeMs = BinaryPrimitives.ReadInt64LittleEndian(bytes[17..]),
                LastLocation = bytes[25] == 0
                    ? null
                    : new Location(
                        BinaryPrimitives.ReadInt64LittleEndian(bytes[26..]),
                        BinaryPrimitives.ReadDoubleLittleEndian(bytes[34..]),
                        BinaryPrimitives.ReadDoubleLittleEndian(bytes[42..])),
            };
            var count = BinaryPrimitives.ReadInt32LittleEndian(bytes[50..]);
            if (count < 0 || count > MaxEntries)
            {
                throw new FormatException($"checkpoint claims {count} entries");
            }

            state._entries = new Entry[count];
            var offset = 54;
            for (var i = 0; i < count; i++)
            {
                var hasLocation = bytes[offset + 24] != 0;
                state._entries[i] = new Entry(
                    BinaryPrimitives.ReadInt64LittleEndian(bytes[offset..]),
                    BinaryPrimitives.ReadInt64LittleEndian(bytes[(offset + 8)..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(bytes[(offset + 16)..]),
                    hasLocation,
                    hasLocation ? BinaryPrimitives.ReadDoubleLittleEndian(bytes[(offset + 25)..]) : 0,
                    hasLocation ? BinaryPrimitives.ReadDoubleLittleEndian(bytes[(offset + 33)..]) : 0);
                offset += hasLocation ? 41 : 25;
            }

            if (offset != bytes.Length)
            {
                throw new FormatException("trailing bytes after the checkpoint");
            }

            state._count = count;
            return state;
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new FormatException("account checkpoint is truncated");
        }
    }
}
