using System.Text;

namespace AkkaFraud.Streams.Kafka.Tests;

public sealed class KafkaPartitionerTests
{
    // Kafka's own expectations for Utils.murmur2 (clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java).
    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    [InlineData("abc", 479470107)]
    public void Murmur2_matches_the_Java_client(string key, int expected) =>
        Assert.Equal(expected, KafkaPartitioner.Murmur2(Encoding.UTF8.GetBytes(key)));

    [Fact]
    public void String_and_byte_keys_land_in_the_same_partition_including_long_keys()
    {
        foreach (var key in new[] { "", "a", "account-42", "ünïcödé", new string('k', 1000) })
        {
            Assert.Equal(KafkaPartitioner.PartitionFor(Encoding.UTF8.GetBytes(key), 12), KafkaPartitioner.PartitionFor(key, 12));
            Assert.InRange(KafkaPartitioner.PartitionFor(key, 12), 0, 11);
        }
    }

    [Fact]
    public void A_partition_count_below_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => KafkaPartitioner.PartitionFor("k", 0));
}
