using System.ComponentModel;
using System.Globalization;
using AkkaFraud.Node.Contracts;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AkkaFraud.Cli.Commands;

internal sealed class ClusterMembersCommand(CliEnvironment environment) : NodeCommand<NodeSettings>(environment)
{
    protected override Task<int> RunAsync(NodeClient node, NodeSettings settings, CancellationToken cancellationToken) =>
        ShowAsync<ClusterMembersDto>(node, "api/cluster/members", settings, members =>
        {
            var table = Tables.New("Node", "Status", "Roles", "Up #", "Reachable", "");
            foreach (var m in members.Members)
            {
                table.Row(Tables.Node(m.Node), m.Status, string.Join(',', m.Roles), m.UpNumber.ToString(CultureInfo.InvariantCulture), m.Reachable ? "yes" : "NO", Marks(members, m.Node));
            }

            Console.Write(table);
            foreach (var u in members.Unreachable)
            {
                Console.Write(new Text($"{Tables.Node(u.Node)} is unreachable, observed by {string.Join(", ", u.ObservedBy.Select(Tables.Node))}\n"));
            }
        }, cancellationToken);

    public static string Marks(ClusterMembersDto members, string node) => string.Join(' ', new[]
    {
        members.Leader == node ? "leader" : null,
        members.Oldest == node ? "oldest" : null,
    }.Where(m => m is not null));
}

/// <summary>Petabridge.Cmd's <c>cluster show</c>, with each member's work beside its membership.</summary>
internal sealed class ClusterShowCommand(CliEnvironment environment) : NodeCommand<NodeSettings>(environment)
{
    protected override async Task<int> RunAsync(NodeClient node, NodeSettings settings, CancellationToken cancellationToken)
    {
        var membersBody = await node.GetTextAsync("api/cluster/members", cancellationToken);
        var nodesBody = await node.GetTextAsync("api/cluster/nodes", cancellationToken);
        if (settings.Json)
        {
            return await PrintJsonAsync($"{{\"members\": {membersBody}, \"nodes\": {nodesBody}}}");
        }

        var members = node.Parse<ClusterMembersDto>(membersBody, "api/cluster/members");
        var work = node.Parse<ClusterNodesDto>(nodesBody, "api/cluster/nodes").Nodes.ToDictionary(n => n.Node);
        var table = Tables.New("Node", "Status", "Roles", "Reachable", "Pipeline", "Partitions", "Shards", "Entities", "tx/s", "Batch ms", "");
        foreach (var m in members.Members)
        {
            var n = work.GetValueOrDefault(m.Node);
            var answered = n is { Answered: true };
            table.Row(Tables.Node(m.Node), m.Status, string.Join(',', m.Roles), m.Reachable ? "yes" : "NO",
                answered ? n!.Pipeline : "no answer",
                answered ? Tables.Ranges(n!.Partitions) : "-",
                answered ? n!.Shards.ToString(CultureInfo.InvariantCulture) : "-",
                answered ? n!.Entities.ToString(CultureInfo.InvariantCulture) : "-",
                answered ? Tables.Number(n!.TransactionsPerSecond) : "-",
                n?.BatchWriteMs is { } ms ? Tables.Number(ms) : "-",
                ClusterMembersCommand.Marks(members, m.Node));
        }

        Console.Write(table);
        Console.Write(new Text($"{members.Members.Count} members, {members.Members.Count(m => m.Status == "Up")} up, {members.Unreachable.Count} unreachable; leader {Tables.Node(members.Leader)}; answered by {Tables.Node(members.SelfNode)}\n"));
        return ExitCodes.Ok;
    }
}

internal sealed class MemberSettings : NodeSettings
{
    [CommandArgument(0, "<ADDRESS>")]
    [Description("The member, e.g. akka.tcp://akkafraud@scorer-1:4053 (the akka.tcp:// prefix is optional).")]
    public string Address { get; init; } = "";
}

internal abstract class MemberOperationCommand(CliEnvironment environment, string operation) : NodeCommand<MemberSettings>(environment)
{
    protected override async Task<int> RunAsync(NodeClient node, MemberSettings settings, CancellationToken cancellationToken)
    {
        var body = await node.SendJsonAsync(HttpMethod.Put, $"api/cluster/members/{Uri.EscapeDataString(settings.Address)}", new { operation }, cancellationToken);
        if (settings.Json)
        {
            return await PrintJsonAsync(body);
        }

        Console.Write(new Text(node.Parse<MemberOperationDto>(body, "api/cluster/members").Message + "\n"));
        return ExitCodes.Ok;
    }
}

internal sealed class ClusterLeaveCommand(CliEnvironment environment) : MemberOperationCommand(environment, "Leave");

internal sealed class ClusterDownCommand(CliEnvironment environment) : MemberOperationCommand(environment, "Down");

internal sealed class ShardSettings : NodeSettings
{
    [CommandArgument(0, "[REGION]")]
    [Description("The shard region (default: account, the only one).")]
    public string Region { get; init; } = "account";
}

/// <summary>Petabridge.Cmd's <c>cluster-sharding region-stats</c>, for the whole cluster.</summary>
internal sealed class ClusterShardsCommand(CliEnvironment environment) : NodeCommand<ShardSettings>(environment)
{
    protected override Task<int> RunAsync(NodeClient node, ShardSettings settings, CancellationToken cancellationToken) =>
        ShowAsync<ShardRegionsDto>(node, $"api/cluster/shards/{Uri.EscapeDataString(settings.Region)}", settings, regions =>
        {
            var table = Tables.New("Node", "Shards", "Entities", "Shard ids");
            foreach (var region in regions.Regions)
            {
                table.Row(Tables.Node(region.Node),
                    region.Answered ? region.Shards.Count.ToString(CultureInfo.InvariantCulture) : "no answer",
                    region.Answered ? region.Shards.Sum(s => s.NumEntities).ToString(CultureInfo.InvariantCulture) : "-",
                    string.Join(' ', region.Shards.OrderBy(s => int.TryParse(s.ShardId, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue).ThenBy(s => s.ShardId, StringComparer.Ordinal).Select(s => $"{s.ShardId}:{s.NumEntities}")));
            }

            Console.Write(table);
        }, cancellationToken);
}

internal sealed class ClusterPartitionsCommand(CliEnvironment environment) : NodeCommand<NodeSettings>(environment)
{
    protected override Task<int> RunAsync(NodeClient node, NodeSettings settings, CancellationToken cancellationToken) =>
        ShowAsync<ClusterPartitionsDto>(node, "api/cluster/partitions", settings, partitions =>
        {
            var table = Tables.New("Partition", "Owner", "Stored offset", "High watermark", "Lag", "Last commit", "Records/s");
            foreach (var p in partitions.Partitions)
            {
                table.Row(p.Partition.ToString(CultureInfo.InvariantCulture), Tables.Node(p.Owner), p.StoredOffset?.ToString(CultureInfo.InvariantCulture),
                    p.HighWatermark.ToString(CultureInfo.InvariantCulture), p.Lag.ToString(CultureInfo.InvariantCulture), Tables.Time(p.LastCommitAt),
                    Tables.Number(p.RecordsPerSecond));
            }

            Console.Write(table);
            Console.Write(new Text($"{partitions.Topic}: lag {partitions.Partitions.Sum(p => p.Lag)} records, read {Tables.Time(partitions.ReadAt)}\n"));
        }, cancellationToken);
}

internal sealed class EventSettings : NodeSettings
{
    [CommandOption("--type <TYPES>")]
    [Description("Only these event types, comma-separated (e.g. MemberUp,MemberRemoved,PartitionMoved).")]
    public string? Type { get; init; }
}

/// <summary>One line per event, as it happens; <c>--json</c> prints one JSON object per line.</summary>
internal sealed class ClusterEventsCommand(CliEnvironment environment) : NodeCommand<EventSettings>(environment)
{
    protected override async Task<int> RunAsync(NodeClient node, EventSettings settings, CancellationToken cancellationToken)
    {
        var path = "api/cluster/events" + (string.IsNullOrEmpty(settings.Type) ? "" : "?type=" + Uri.EscapeDataString(settings.Type));
        await foreach (var (_, data) in node.EventsAsync(path, cancellationToken))
        {
            if (settings.Json)
            {
                await Environment.Out.WriteLineAsync(data);
                await Environment.Out.FlushAsync(cancellationToken);
                continue;
            }

            var e = node.Parse<ClusterEventDto>(data, path);
            var what = e switch
            {
                { Member: { } m } => $"{Tables.Node(m.Node)} ({m.Status}, {string.Join(',', m.Roles)})",
                { Move: { } move } => $"partition {move.Partition}: {(move.From is null ? "nobody" : Tables.Node(move.From))} -> {(move.To is null ? "nobody" : Tables.Node(move.To))}",
                _ => e.Leader is null ? "no leader" : Tables.Node(e.Leader),
            };
            Console.Write(new Text($"{Tables.Time(e.At)} {e.Type,-17} {what}\n"));
        }

        return ExitCodes.Ok;
    }
}
