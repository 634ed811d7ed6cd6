using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace AkkaFraud.Streams.Kafka;

/// <summary>
/// Kafka's default Java partitioner for keyed records, which is also librdkafka's <c>murmur2_random</c> for non-null
/// keys and so what our producers use: the partition of a key can be computed anywhere without a Kafka client
/// (partition-aligned sharding routes an account to the shard of its partition this way).
/// </summary>
public static class KafkaPartitioner
{
    private const uint Seed = 0x9747b28c;
    private const uint M = 0x5bd1e995;
    private const int R = 24;
    private const int StackKeyLimit = 256;

    /// <summary>The partition, of <paramref name="partitionCount"/>, that a record with key <paramref name="key"/> goes to.</summary>
    public static int PartitionFor(ReadOnlySpan<byte> key, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        return (Murmur2(key) & 0x7fffffff) % partitionCount;
    }

    /// <summary>The partition of a string key, encoded as UTF-8 as the producers encode it.</summary>
    public static int PartitionFor(string key, int partitionCount)
    {
        ArgumentNullException.ThrowIfNull(key);
        var length = Encoding.UTF8.GetByteCount(key);
        if (length <= StackKeyLimit)
        {
            Span<byte> bytes = stackalloc byte[length];
            Encoding.UTF8.GetBytes(key, bytes);
            return PartitionFor(bytes, partitionCount);
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Encoding.UTF8.GetBytes(key, rented);
            return PartitionFor(rented.AsSpan(0, written), partitionCount);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>MurmurHash2 exactly as Kafka's <c>Utils.murmur2</c> (32-bit, seed 0x9747b28c, little-endian blocks).</summary>
    public static int Murmur2(ReadOnlySpan<byte> data)
    {
        var h = Seed ^ (uint)data.Length;
        var blocks = data.Length & ~3;
        for (var i = 0; i < blocks; i += 4)
        {
            var k = BinaryPrimitives.ReadUInt32LittleEndian(data[i..]);
            k *= M;
            k ^= k >> R;
            k *= M;
            h *= M;
            h ^= k;
        }

        switch (data.Length & 3)
        {
            case 3:
                h ^= (uint)data[blocks + 2] << 16;
                h ^= (uint)data[blocks + 1] << 8;
                h ^= data[blocks];
                h *= M;
                break;
            case 2:
                h ^= (uint)data[blocks + 1] << 8;
                h ^= data[blocks];
                h *= M;
                break;
            case 1:
                h ^= data[blocks];
                h *= M;
                break;
        }

        h ^= h >> 13;
        h *= M;
        h ^= h >> 15;
        return (int)h;
    }
}
