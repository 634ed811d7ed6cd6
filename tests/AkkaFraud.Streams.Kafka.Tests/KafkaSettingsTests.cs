using Microsoft.Extensions.Configuration;

namespace AkkaFraud.Streams.Kafka.Tests;

public sealed class KafkaSettingsTests
{
    [Fact]
    public void Settings_bind_from_the_Kafka_section_over_the_defaults()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "broker-1:9092,broker-2:9092",
            ["Kafka:GroupId"] = "scorers",
            ["Kafka:Consumer:CommitInterval"] = "00:00:02",
            ["Kafka:Consumer:MaxBufferedRecordsPerPartition"] = "500",
            ["Kafka:Consumer:StartWithoutStoredOffset"] = "Latest",
            ["Kafka:Consumer:Properties:fetch.max.bytes"] = "1048576",
            ["Kafka:Producer:Linger"] = "00:00:00.010",
        }).Build();

        var settings = KafkaSettings.FromConfiguration(configuration);

        Assert.Equal("broker-1:9092,broker-2:9092", settings.BootstrapServers);
        Assert.Equal("scorers", settings.GroupId);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.Consumer.CommitInterval);
        Assert.Equal(500, settings.Consumer.MaxBufferedRecordsPerPartition);
        Assert.Equal(StartPosition.Latest, settings.Consumer.StartWithoutStoredOffset);
        Assert.Equal(TimeSpan.FromMilliseconds(10), settings.Producer.Linger);
        Assert.Equal(new KafkaConsumerSettings().MaxBatchSize, settings.Consumer.MaxBatchSize);
        Assert.Equal("transactions", settings.TransactionsTopic);

        var consumer = settings.CreateConsumerConfig();
        Assert.Equal("1048576", consumer.Get("fetch.max.bytes"));
        Assert.Equal("broker-1:9092,broker-2:9092", consumer.BootstrapServers);
        Assert.Equal("2000", settings.Consumer.CommitInterval.TotalMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Without_a_Kafka_section_the_defaults_apply()
    {
        var settings = KafkaSettings.FromConfiguration(new ConfigurationBuilder().Build());
        Assert.Equal(new KafkaSettings().BootstrapServers, settings.BootstrapServers);
        Assert.Equal(new KafkaSettings().Consumer.CommitInterval, settings.Consumer.CommitInterval);
    }

    [Fact]
    public void The_contract_properties_are_always_set_and_cannot_be_overridden()
    {
        var settings = new KafkaSettings();
        var consumer = settings.CreateConsumerConfig();
        Assert.Equal("false", consumer.Get("enable.auto.commit"));
        Assert.Equal("false", consumer.Get("enable.auto.offset.store"));
        Assert.Equal("cooperative-sticky", consumer.Get("partition.assignment.strategy"));
        Assert.Equal("error", consumer.Get("auto.offset.reset"));
        var producer = settings.CreateProducerConfig();
        Assert.Equal("true", producer.Get("enable.idempotence"));
        Assert.Equal("all", producer.Get("acks"));
        Assert.Equal("murmur2_random", producer.Get("partitioner"));

        var overriding = settings with
        {
            Consumer = new KafkaConsumerSettings { Properties = new() { ["enable.auto.commit"] = "true" } },
        };
        var error = Assert.Throws<ArgumentException>(overriding.Validate);
        Assert.Contains("enable.auto.commit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_or_unknown_settings_are_refused_with_their_name()
    {
        var unknown = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:Consumer:CommitIntervall"] = "00:00:01",
        }).Build();
        Assert.Throws<InvalidOperationException>(() => KafkaSettings.FromConfiguration(unknown));

        var invalid = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:Consumer:MaxBatchSize"] = "0",
        }).Build();
        var error = Assert.Throws<ArgumentException>(() => KafkaSettings.FromConfiguration(invalid));
        Assert.Contains("MaxBatchSize", error.Message, StringComparison.Ordinal);
    }
}
