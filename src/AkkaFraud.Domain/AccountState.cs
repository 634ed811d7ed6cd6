using System.Buffers.Binary;

namespace AkkaFraud.Domain;

/// <summary>
/// What the engine remembers about one account: its recent transactions in event-time order (enough history for the
/// longest rule window plus the allowed lateness), the newest geo-location, the counterparties, merchants, devices and
/// countries it used (<see cref="MaxSeen"/> of them, most recently used kept), and a spending profile (an event-time
/// EWMA of the log amounts of its payments). Owned by one account actor and changed only through
/// <see cref="RuleEngine.Apply"/>; <see cref="ToBytes"/> is its stable checkpoint form.
/// </summary>
public sealed class AccountState
{
    /// <summary>Hard bound on retained entries, whatever the rules ask: a runaway producer cannot grow state unbounded.</summary>
    public const int MaxEntries = 2048;

    /// <summary>
    /// Bound on remembered counterparties, merchants, devices and countries together. Past it the least recently used
    /// is forgotten, and reads as new when it comes back: that, and a 32-bit hash collision (which reads a new value
    /// as known, at most <c>MaxSeen / 2^32</c> ≈ 3·10⁻⁸ per question), are <see cref="FirstSeenRule"/>'s error.
    /// </summary>
    public const int MaxSeen = 128;

    /// <summary>The spending profile forgets with this half-life in event time: a payment 30 days old weighs half.</summary>
    public static readonly TimeSpan ProfileHalfLife = TimeSpan.FromDays(30);

    private const byte FormatVersion = 2;
    private const long AmountScale = 10_000; // amounts have at most 4 decimals (ParserLimits.MaxAmountDecimals)

    private Entry[] _entries = [];
    private int _count;
    // Remembered values as (dimension, hash) keys beside their times: one vectorised scan answers "seen before?".
    private ulong[] _seenKeys = [];
    private Seen[] _seen = [];
    private int _seenCount;

    /// <summary>Greatest event time applied so far (Unix ms), or <see cref="long.MinValue"/> for a new account.</summary>
    public long MaxEventTimeMs { get; private set; } = long.MinValue;

    /// <summary>How many distinct transactions the account has scored, ever.</summary>
    public long TransactionCount { get; private set; }

    public long FirstEventTimeMs { get; private set; } = long.MaxValue;

    /// <summary>The geo-located transaction with the greatest event time, kept even when it leaves the window.</summary>
    public Location? LastLocation { get; private set; }

    public int RetainedCount => _count;

    /// <summary>The spending profile: payments (every debit) seen, weighted mean and variance of their natural log amount.</summary>
    public SpendingProfile Profile { get; private set; }

    public readonly record struct Location(long EventTimeMs, double Latitude, double Longitude);

    /// <summary>
    /// <see cref="Weight"/> is the decayed count (West's weighted mean and variance, old weight × 2^(−Δt / half-life)
    /// plus 1 per payment); <see cref="Count"/> counts payments without decay, for a rule's minimum history.
    /// </summary>
    public readonly record struct SpendingProfile(long Count, double Weight, double MeanLog, double SquaredDeviations, long TimeMs)
    {
        public double StandardDeviationLog => Weight <= 0 ? 0 : Math.Sqrt(Math.Max(0, SquaredDeviations / Weight));
    }

    [Flags]
    private enum EntryFlags : byte
    {
        None = 0,
        Located = 1,
        Credit = 2,
        MoneyOut = 4,
    }

    private readonly record struct Entry(
        long EventTimeMs, long AmountUnits, ulong IdHash, EntryFlags Flags, double Latitude, double Longitude,
        uint Merchant, uint Device, uint Country, uint Counterparty)
    {
        public bool HasLocation => (Flags & EntryFlags.Located) != 0;

        public uint Key(Dimension dimension) => dimension switch
        {
            Dimension.Merchant => Merchant,
            Dimension.Device => Device,
            Dimension.Country => Country,
            _ => Counterparty,
        };
    }

    private record struct Seen(long FirstSeenMs, long LastSeenMs);

    private static ulong SeenKey(Dimension dimension, uint hash) => ((ulong)dimension << 32) | hash;

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
    /// Money in and money out of retained transactions in (fromExclusiveMs, toInclusiveMs]: the credits' sum, and the
    /// sum of the money-out transactions (<see cref="Transaction.MovesMoneyOut"/>) not earlier than the first credit.
    /// </summary>
    public (decimal In, decimal OutAfter) InAndOut(long fromExclusiveMs, long toInclusiveMs)
    {
        Int128 credits = 0, debits = 0;
        var sawCredit = false;
        for (var i = FirstAfter(fromExclusiveMs); i < _count && _entries[i].EventTimeMs <= toInclusiveMs; i++)
        {
            var entry = _entries[i];
            if ((entry.Flags & EntryFlags.Credit) != 0)
            {
                sawCredit = true;
                credits += entry.AmountUnits;
            }
            else if (sawCredit && (entry.Flags & EntryFlags.MoneyOut) != 0)
            {
                debits += entry.AmountUnits;
            }
        }

        return ((decimal)credits / AmountScale, (decimal)debits / AmountScale);
    }

    /// <summary>
    /// Distinct values of <paramref name="dimension"/> among retained transactions in (fromExclusiveMs, toInclusiveMs],
    /// counting <paramref name="current"/> too (null: the current transaction has none). Values are compared by their
    /// 32-bit hash.
    /// </summary>
    public int DistinctIn(Dimension dimension, long fromExclusiveMs, long toInclusiveMs, string? current)
    {
        // The window's values, sorted, counted once each: no hash set made for every question.
        var first = FirstAfter(fromExclusiveMs);
        var most = _count - first + 1;
        Span<uint> keys = most <= 256 ? stackalloc uint[most] : new uint[most];
        var found = 0;
        if (current is not null)
        {
            keys[found++] = KeyHash(current);
        }

        for (var i = first; i < _count && _entries[i].EventTimeMs <= toInclusiveMs; i++)
        {
            if (_entries[i].Key(dimension) is var key and not 0)
            {
                keys[found++] = key;
            }
        }

        keys = keys[..found];
        keys.Sort();
        var distinct = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            distinct += i == 0 || keys[i] != keys[i - 1] ? 1 : 0;
        }

        return distinct;
    }

    /// <summary>When the account last used this value of <paramref name="dimension"/> (Unix ms), if it remembers it.</summary>
    public long? LastSeen(Dimension dimension, string value) => Find(dimension, KeyHash(value)) is { } i ? _seen[i].LastSeenMs : null;

    /// <summary>The earliest use of this value the account remembers (Unix ms): since it began to remember it.</summary>
    public long? FirstSeen(Dimension dimension, string value) => Find(dimension, KeyHash(value)) is { } i ? _seen[i].FirstSeenMs : null;

    private int? Find(Dimension dimension, uint hash) =>
        _seenKeys.AsSpan(0, _seenCount).IndexOf(SeenKey(dimension, hash)) is var i and >= 0 ? i : null;

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
        var flags = (transaction.HasLocation ? EntryFlags.Located : EntryFlags.None)
            | (transaction.IsCredit ? EntryFlags.Credit : EntryFlags.None)
            | (transaction.MovesMoneyOut ? EntryFlags.MoneyOut : EntryFlags.None);
        var entry = new Entry(eventTime, ToUnits(transaction.Amount), IdHash(transaction.TransactionId),
            flags, transaction.Latitude ?? 0, transaction.Longitude ?? 0,
            OptionalKey(transaction.MerchantId), OptionalKey(transaction.DeviceId), OptionalKey(transaction.Country), OptionalKey(transaction.CounterpartyId));
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, Math.Max(4, _count * 2));
        }

        var at = FirstAfter(eventTime);
        if (at < _count)
        {
            Array.Copy(_entries, at, _entries, at + 1, _count - at);
        }

        _entries[at] = entry;
        _count++;

        TransactionCount++;
        FirstEventTimeMs = Math.Min(FirstEventTimeMs, eventTime);
        MaxEventTimeMs = Math.Max(MaxEventTimeMs, eventTime);
        if (transaction.HasLocation && (LastLocation is null || LastLocation.Value.EventTimeMs <= eventTime))
        {
            LastLocation = new Location(eventTime, transaction.Latitude!.Value, transaction.Longitude!.Value);
        }

        Remember(Dimension.Merchant, entry.Merchant, eventTime);
        Remember(Dimension.Device, entry.Device, eventTime);
        Remember(Dimension.Country, entry.Country, eventTime);
        Remember(Dimension.Counterparty, entry.Counterparty, eventTime);
        if (!transaction.IsCredit)
        {
            Profile = Updated(Profile, Math.Log((double)transaction.Amount), eventTime);
        }

        Prune(MaxEventTimeMs - horizonMs);
    }

    /// <summary>West's weighted incremental mean and variance, the old weight decayed by the event time passed.</summary>
    private static SpendingProfile Updated(SpendingProfile profile, double x, long eventTimeMs)
    {
        if (profile.Count == 0)
        {
            return new SpendingProfile(1, 1, x, 0, eventTimeMs);
        }

        // A late payment (earlier than the profile's time) decays nothing: the profile's clock only moves forward.
        var elapsed = Math.Max(0, eventTimeMs - profile.TimeMs);
        var decay = Math.Pow(2, -elapsed / ProfileHalfLife.TotalMilliseconds);
        var weight = (profile.Weight * decay) + 1;
        var mean = profile.MeanLog + ((x - profile.MeanLog) / weight);
        var squares = (profile.SquaredDeviations * decay) + ((x - profile.MeanLog) * (x - mean));
        return new SpendingProfile(profile.Count + 1, weight, mean, squares, Math.Max(profile.TimeMs, eventTimeMs));
    }

    private void Remember(Dimension dimension, uint hash, long eventTimeMs)
    {
        if (hash == 0)
        {
            return;
        }

        if (Find(dimension, hash) is { } known)
        {
            _seen[known].FirstSeenMs = Math.Min(_seen[known].FirstSeenMs, eventTimeMs);
            _seen[known].LastSeenMs = Math.Max(_seen[known].LastSeenMs, eventTimeMs);
            return;
        }

        if (_seenCount < MaxSeen)
        {
            if (_seenCount == _seen.Length)
            {
                var capacity = Math.Min(MaxSeen, Math.Max(4, _seenCount * 2));
                Array.Resize(ref _seen, capacity);
                Array.Resize(ref _seenKeys, capacity);
            }

            _seenKeys[_seenCount] = SeenKey(dimension, hash);
            _seen[_seenCount++] = new Seen(eventTimeMs, eventTimeMs);
        }
        else
        {
            var oldest = 0;
            for (var i = 1; i < _seenCount; i++)
            {
                if (_seen[i].LastSeenMs < _seen[oldest].LastSeenMs)
                {
                    oldest = i;
                }
            }

            _seenKeys[oldest] = SeenKey(dimension, hash);
            _seen[oldest] = new Seen(eventTimeMs, eventTimeMs);
        }
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

        if (drop < _count)
        {
            Array.Copy(_entries, drop, _entries, 0, _count - drop);
        }

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

    private static uint OptionalKey(string? value) => value is null ? 0 : KeyHash(value);

    /// <summary>The id hash folded to 32 bits, never 0 (which stands for "none").</summary>
    private static uint KeyHash(string value)
    {
        var hash = IdHash(value);
        var folded = (uint)(hash ^ (hash >> 32));
        return folded == 0 ? 1 : folded;
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

    /// <summary>
    /// The checkpoint form, version 2: little-endian; a header (times, count, last location, profile), the retained
    /// transactions (about 45 bytes each, 16 more when located), then the remembered values (21 bytes each).
    /// </summary>
    public byte[] ToBytes()
    {
        var writer = new CheckpointWriter(HeaderBytes + (_count * 61) + (_seenCount * 21));
        writer.Byte(FormatVersion);
        writer.Long(MaxEventTimeMs);
        writer.Long(TransactionCount);
        writer.Long(FirstEventTimeMs);
        writer.Byte(LastLocation is null ? (byte)0 : (byte)1);
        var last = LastLocation.GetValueOrDefault();
        writer.Long(last.EventTimeMs);
        writer.Double(last.Latitude);
        writer.Double(last.Longitude);
        writer.Long(Profile.Count);
        writer.Double(Profile.Weight);
        writer.Double(Profile.MeanLog);
        writer.Double(Profile.SquaredDeviations);
        writer.Long(Profile.TimeMs);
        writer.Int(_count);
        writer.Int(_seenCount);
        for (var i = 0; i < _count; i++)
        {
            var e = _entries[i];
            writer.Long(e.EventTimeMs);
            writer.Long(e.AmountUnits);
            writer.ULong(e.IdHash);
            writer.Byte((byte)e.Flags);
            if (e.HasLocation)
            {
                writer.Double(e.Latitude);
                writer.Double(e.Longitude);
            }

            writer.UInt(e.Merchant);
            writer.UInt(e.Device);
            writer.UInt(e.Country);
            writer.UInt(e.Counterparty);
        }

        for (var i = 0; i < _seenCount; i++)
        {
            writer.Byte((byte)(_seenKeys[i] >> 32));
            writer.UInt((uint)_seenKeys[i]);
            writer.Long(_seen[i].FirstSeenMs);
            writer.Long(_seen[i].LastSeenMs);
        }

        return writer.ToArray();
    }

    private const int HeaderBytes = 1 + 8 + 8 + 8 + 1 + 24 + 40 + 4 + 4;

    /// <summary>
    /// Reads <see cref="ToBytes"/>' form, and version 1 (before counterparties and the profile: those start empty, and
    /// its transactions count as neither money in nor out); a corrupt or foreign buffer is a <see cref="FormatException"/>.
    /// </summary>
    public static AccountState FromBytes(ReadOnlySpan<byte> bytes)
    {
        var reader = new CheckpointReader(bytes);
        var version = bytes.IsEmpty ? (byte)0 : reader.Byte();
        if (version is not (1 or FormatVersion))
        {
            throw new FormatException($"not an account checkpoint of format 1 or {FormatVersion}");
        }

        var state = new AccountState
        {
            MaxEventTimeMs = reader.Long(),
            TransactionCount = reader.Long(),
            FirstEventTimeMs = reader.Long(),
        };
        var hasLast = reader.Byte() != 0;
        var last = new Location(reader.Long(), reader.Double(), reader.Double());
        state.LastLocation = hasLast ? last : null;
        if (version >= 2)
        {
            state.Profile = new SpendingProfile(reader.Long(), reader.Double(), reader.Double(), reader.Double(), reader.Long());
        }

        var count = reader.Int();
        var seen = version >= 2 ? reader.Int() : 0;
        if (count < 0 || count > MaxEntries || seen < 0 || seen > MaxSeen)
        {
            throw new FormatException($"checkpoint claims {count} entries and {seen} remembered values");
        }

        state._entries = new Entry[count];
        for (var i = 0; i < count; i++)
        {
            var time = reader.Long();
            var units = reader.Long();
            var idHash = reader.ULong();
            var flags = (EntryFlags)reader.Byte();
            if (version == 1 && flags != EntryFlags.None)
            {
                flags = EntryFlags.Located;
            }

            var located = (flags & EntryFlags.Located) != 0;
            var latitude = located ? reader.Double() : 0;
            var longitude = located ? reader.Double() : 0;
            state._entries[i] = version == 1
                ? new Entry(time, units, idHash, flags, latitude, longitude, 0, 0, 0, 0)
                : new Entry(time, units, idHash, flags, latitude, longitude, reader.UInt(), reader.UInt(), reader.UInt(), reader.UInt());
        }

        state._seenKeys = new ulong[seen];
        state._seen = new Seen[seen];
        for (var i = 0; i < seen; i++)
        {
            state._seenKeys[i] = SeenKey((Dimension)reader.Byte(), reader.UInt());
            state._seen[i] = new Seen(reader.Long(), reader.Long());
        }

        if (!reader.AtEnd)
        {
            throw new FormatException("trailing bytes after the checkpoint");
        }

        state._count = count;
        state._seenCount = seen;
        return state;
    }

    private sealed class CheckpointWriter(int capacity)
    {
        private byte[] _buffer = new byte[capacity];
        private int _at;

        public void Byte(byte value) => Span(1)[0] = value;

        public void Int(int value) => BinaryPrimitives.WriteInt32LittleEndian(Span(4), value);

        public void UInt(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Span(4), value);

        public void Long(long value) => BinaryPrimitives.WriteInt64LittleEndian(Span(8), value);

        public void ULong(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Span(8), value);

        public void Double(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Span(8), value);

        public byte[] ToArray() => _buffer[.._at];

        private Span<byte> Span(int length)
        {
            if (_at + length > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _at + length));
            }

            var span = _buffer.AsSpan(_at, length);
            _at += length;
            return span;
        }
    }

    private ref struct CheckpointReader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _at;

        public readonly bool AtEnd => _at == _bytes.Length;

        public byte Byte() => Take(1)[0];

        public int Int() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public uint UInt() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public long Long() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public ulong ULong() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public double Double() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

        private ReadOnlySpan<byte> Take(int length)
        {
            if (_at + length > _bytes.Length)
            {
                throw new FormatException("account checkpoint is truncated");
            }

            var span = _bytes.Slice(_at, length);
            _at += length;
            return span;
        }
    }
}

/// <summary>What a <see cref="FirstSeenRule"/> or <see cref="DistinctVelocityRule"/> counts.</summary>
public enum Dimension : byte
{
    Counterparty,
    Merchant,
    Device,
    Country,
}
