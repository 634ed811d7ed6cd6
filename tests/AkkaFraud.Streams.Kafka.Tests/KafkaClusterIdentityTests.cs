using AkkaFraud.Streams.Kafka.Embedded;

namespace AkkaFraud.Streams.Kafka.Tests;

/// <summary>The id a cluster-mode node stores its offsets under comes from the brokers themselves.</summary>
public sealed class Kafka_cluster_identity
{
    [Fact]
    public async Task Is_the_id_the_brokers_report_and_differs_between_two_clusters_that_run_side_by_side()
    {
        using var first = new EmbeddedKafka();
        using var second = new EmbeddedKafka();
        var identity = KafkaClusterIdentity.Ask(new KafkaSettings { BootstrapServers = first.BootstrapServers });

        var id = await identity.GetAsync();
        var other = await KafkaClusterIdentity.Ask(new KafkaSettings { BootstrapServers = second.BootstrapServers }).GetAsync();

        Assert.StartsWith("mockCluster", id, StringComparison.Ordinal);
        Assert.NotEqual(id, other);
        // Asked once, then kept: the brokers going away does not change whose offsets the node reads.
        first.SetBrokerDown(EmbeddedKafka.AllBrokers);
        Assert.Equal(id, await identity.GetAsync());
    }

    [Fact]
    public async Task Unreachable_brokers_give_an_error_that_names_them_and_the_next_call_asks_again()
    {
        using var kafka = new EmbeddedKafka();
        kafka.SetBrokerDown(EmbeddedKafka.AllBrokers);
        var identity = KafkaClusterIdentity.Ask(new KafkaSettings { BootstrapServers = kafka.BootstrapServers });

        var error = await Assert.ThrowsAsync<KafkaClusterUnknownException>(() => identity.GetAsync());
        Assert.Contains(kafka.BootstrapServers, error.Message, StringComparison.Ordinal);
        Assert.Contains("Kafka__BootstrapServers", error.Message, StringComparison.Ordinal);

        kafka.SetBrokerUp(EmbeddedKafka.AllBrokers);
        Assert.StartsWith("mockCluster", await identity.GetAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_known_id_is_given_back_as_it_is()
    {
        using var kafka = new EmbeddedKafka();
        using var another = new EmbeddedKafka();

        Assert.Equal(kafka.ClusterId, await KafkaClusterIdentity.Known(kafka.ClusterId).GetAsync());
        Assert.NotEqual(kafka.ClusterId, another.ClusterId);
    }
}
