using Akka.Actor;
using Akka.Hosting;
using AkkaFraud.Cluster.Pipeline;
using AkkaFraud.Domain;
using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AkkaFraud.Cluster.Tests.Support;

/// <summary>
/// One real scorer node in this test process: its own host, actor system (remoting on a free 127.0.0.1 port, cluster,
/// sharding, persistence), store and pipeline, wired by the same extensions the executable uses.
/// </summary>
/// <remarks>
/// <c>serialize-messages = on</c> (every local message round-trips through its serializer) is for single-node runs:
/// with several nodes, Akka.NET 1.5.73's own internal messages fail the round trip (Distributed Data's ReadRepair
/// through the JSON fallback; cluster state whose members come back without their up-number, so the singleton
/// coordinator is handed over to the wrong node) and the cluster stalls. Multi-node runs keep it off; there our
/// messages cross real sockets through the binary serializer anyway.
/// </remarks>
internal sealed class ScoringNode : IAsyncDisposable
{
    public const string SystemName = "akkafraud";

    private readonly IHost _host;
    private bool _stopped;

    private ScoringNode(IHost host, int port, IFraudStore store)
    {
        _host = host;
        Port = port;
        Store = store;
    }

    public int Port { get; }

    public string Address => $"akka.tcp://{SystemName}@127.0.0.1:{Port}";

    /// <summary>How this node appears in the harness's <see cref="WriteLedger"/>.</summary>
    public string Name => NameOf(Port);

    public IFraudStore Store { get; }

    public ActorSystem System => _host.Services.GetRequiredService<ActorSystem>();

    public PipelineStats Stats => _host.Services.GetRequiredService<PipelineStats>();

    public static async Task<ScoringNode> StartAsync(
        FraudStoreSettings storeSettings,
        KafkaSettings kafka,
        FraudSettings settings,
        int port,
        string seedAddress,
        bool serializeMessages,
        WriteLedger ledger,
        ITestOutputHelper? output = null)
    {
        var store = await FraudStoreFactory.CreateAsync(storeSettings);
        var host = new HostBuilder()
            .ConfigureLogging(logging =>
            {
                logging.ClearProviders();
                if (output is not null)
                {
                    logging.AddProvider(new TestOutputLoggerProvider(output, $"node:{port}"));
                }
            })
            .ConfigureServices(services =>
            {
                services.AddSingleton<IPipelineStore>(new RecordingPipelineStore(store, ledger, NameOf(port)));
                services.AddSingleton(KafkaClusterIdentity.Ask(kafka));
                services.AddFraudScoringServices(settings, kafka, RuleSet.Default);
                services.AddAkka(SystemName, (builder, _) => builder
                    .ConfigureLoggers(loggers =>
                    {
                        loggers.LogLevel = Akka.Event.LogLevel.InfoLevel;
                        loggers.ClearLoggers();
                        loggers.AddLoggerFactory();
                    })
                    .WithClusterMember(new ClusterMemberOptions { SystemName = SystemName, Port = port, SeedNodes = [seedAddress] })
                    .AddHocon($"akka.actor.serialize-messages = {(serializeMessages ? "on" : "off")}", HoconAddMode.Prepend)
                    .AddHocon(
                        """
                        akka.cluster.split-brain-resolver.stable-after = 3s
                        akka.cluster.failure-detector.acceptable-heartbeat-pause = 3s
                        akka.cluster.sharding.coordinator-failure-backoff = 1s
                        akka.cluster.sharding.retry-interval = 500ms
                        """,
                        HoconAddMode.Prepend));
            })
            .Build();
        await host.StartAsync();
        return new ScoringNode(host, port, store);
    }

    /// <summary>A graceful stop: the pipeline drains and commits, the node leaves the cluster.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _host.StopAsync(TimeSpan.FromSeconds(60));
        _host.Dispose();
        await Store.DisposeAsync();
    }

    /// <summary>
    /// An in-process abort of the actor system, not a crash of the process: the actor system is torn down without
    /// coordinated shutdown (no drain, no leaving the cluster), and the rest of the cluster finds out through the
    /// failure detector and downs it. But the process lives on: stopping the Kafka source stage still closes its
    /// consumer, which leaves the consumer group, so its partitions are handed over politely and at once. Records read
    /// and not yet committed are lost with the actor system and read again by the new owner.
    /// </summary>
    public async Task AbortActorSystemAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        ((ExtendedActorSystem)System).Abort();
        await System.WhenTerminated;
        _host.Dispose();
        await Store.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static string NameOf(int port) => $"node:{port}";
}
