using Akka.Actor;
using AkkaFraud.Node.Tests.Support;
using AkkaFraud.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AkkaFraud.Node.Tests;

/// <summary>The Akka settings of hocon/: shipped next to the binaries, in force on a running node, overridable by a file.</summary>
public sealed class Akka_settings
{
    [Fact]
    public async Task The_shipped_file_is_in_force_on_a_running_node()
    {
        await using var node = await TestNode.StartAsync("Simulator:Enabled=false");
        var config = node.Node.Services.GetRequiredService<ActorSystem>().Settings.Config;

        Assert.Equal("Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster", config.GetString("akka.cluster.downing-provider-class"));
        Assert.Equal("keep-majority", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Equal(TimeSpan.FromSeconds(7), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.Equal("ddata", config.GetString("akka.cluster.sharding.state-store-mode"));
        Assert.Equal(TimeSpan.FromSeconds(60), config.GetTimeSpan("akka.coordinated-shutdown.phases.service-unbind.timeout"));
        Assert.False(config.GetBoolean("akka.coordinated-shutdown.exit-clr"));
    }

    [Fact]
    public async Task A_file_named_in_Node_HoconFile_wins_over_the_shipped_one_setting_by_setting()
    {
        var file = Path.Combine(Path.GetTempPath(), $"akkafraud-override-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(file, "akka.cluster.split-brain-resolver.stable-after = 11s\n");
        try
        {
            await using var node = await TestNode.StartAsync("Simulator:Enabled=false", $"Node:HoconFile={file}");
            var config = node.Node.Services.GetRequiredService<ActorSystem>().Settings.Config;

            Assert.Equal(TimeSpan.FromSeconds(11), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
            Assert.Equal("keep-majority", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_file_ships_next_to_the_binaries()
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, Cluster.ClusterMemberHosting.HoconFile);
        var source = Path.Combine(RepositoryRoot.Path, "hocon", "akkafraud.conf");

        Assert.Equal(File.ReadAllText(source), File.ReadAllText(shipped));
    }
}
