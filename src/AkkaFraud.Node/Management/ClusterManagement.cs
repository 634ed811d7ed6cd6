using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using AkkaFraud.Cluster;
using AkkaFraud.Node.Contracts;
using AkkaFraud.Node.Live;

namespace AkkaFraud.Node.Management;

/// <summary>
/// The management API's view of the cluster, from a web node: membership from this node's cluster state, everything
/// else asked of every member's <see cref="NodeAgent"/> (a member that does not answer within <see cref="AskTimeout"/>
/// is reported as such, an unreachable one is not asked), partitions from the lag probe's <see cref="PartitionWatch"/>.
/// </summary>
internal sealed class ClusterManagement(ActorSystem system, PartitionWatch partitions)
{
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);

    private Akka.Cluster.Cluster Cluster => Akka.Cluster.Cluster.Get(system);

    /// <summary>The region names <c>/api/cluster/shards/{region}</c> knows.</summary>
    public static IReadOnlyList<string> Regions { get; } = [ShardingSetup.AccountTypeName];

    /// <summary>The member at <paramref name="address"/> (with or without the <c>akka.tcp://</c> prefix); null when none is.</summary>
    public Member? Find(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var wanted = address.Contains("://", StringComparison.Ordinal) ? address : $"akka.tcp://{address}";
        return Cluster.State.Members.FirstOrDefault(m => string.Equals(m.Address.ToString(), wanted, StringComparison.OrdinalIgnoreCase));
    }

    public void Leave(Member member) => Cluster.Leave(member.Address);

    public void Down(Member member) => Cluster.Down(member.Address);

    public async Task<ClusterMembersDto> MembersAsync(CancellationToken cancellationToken)
    {
        var state = Cluster.State;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        var byAge = ByAge(state.Members);
        var rank = byAge.Select((m, i) => (m.Address, Rank: i + 1)).ToDictionary(x => x.Address, x => x.Rank);
        var members = state.Members.OrderBy(m => m.Address.ToString(), StringComparer.Ordinal).Select(m => new ClusterMemberDto(
            m.Address.ToString(),
            m.UniqueAddress.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture),
            m.Status.ToString(),
            [.. m.Roles.Order(StringComparer.Ordinal)],
            rank[m.Address],
            !unreachable.Contains(m.Address))).ToList();

        var observedBy = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (unreachable.Count > 0)
        {
            foreach (var (member, description) in await DescribeAllAsync(cancellationToken))
            {
                foreach (var seen in description?.Unreachable ?? [])
                {
                    (observedBy.TryGetValue(seen, out var list) ? list : observedBy[seen] = []).Add(member.Address.ToString());
                }
            }
        }

        var serving = byAge.Where(m => m.Status is MemberStatus.Up or MemberStatus.Leaving or MemberStatus.Exiting).ToList();
        return new ClusterMembersDto(
            Cluster.SelfAddress.ToString(),
            members,
            [.. state.Unreachable.OrderBy(m => m.Address.ToString(), StringComparer.Ordinal).Select(m => new UnreachableMemberDto(
                m.Address.ToString(), [.. (observedBy.GetValueOrDefault(m.Address.ToString()) ?? []).Order(StringComparer.Ordinal)]))],
            state.Leader?.ToString(),
            serving.FirstOrDefault()?.Address.ToString(),
            serving.SelectMany(m => m.Roles).Distinct().Order(StringComparer.Ordinal)
                .ToDictionary(role => role, role => serving.First(m => m.HasRole(role)).Address.ToString(), StringComparer.Ordinal));
    }

    public async Task<ShardRegionsDto> ShardsAsync(CancellationToken cancellationToken) =>
        new([.. (await DescribeAllAsync(cancellationToken))
            .Where(a => a.Member.HasRole(ShardingSetup.ScorerRole))
            .Select(a => new RegionDto(
                a.Member.Address.ToString(),
                a.Description is { ShardsKnown: true },
                [.. (a.Description?.Shards ?? []).Select(s => new ShardDto(s.ShardId, s.Entities))]))]);

    public async Task<ClusterNodesDto> NodesAsync(CancellationToken cancellationToken) =>
        new([.. (await DescribeAllAsync(cancellationToken)).Select(a => new NodeDto(
            a.Member.Address.ToString(),
            a.Member.Status.ToString(),
            [.. a.Member.Roles.Order(StringComparer.Ordinal)],
            a.Description is not null,
            a.Description?.Pipeline,
            a.Description?.Partitions ?? [],
            a.Description?.Shards.Count ?? 0,
            a.Description?.Shards.Sum(s => s.Entities) ?? 0,
            a.Description?.TransactionsPerSecond ?? 0,
            a.Description?.BatchWriteMs))]);

    /// <summary>Which member owns each partition, as the members that answered report it.</summary>
    public async Task<IReadOnlyDictionary<int, string>> PartitionOwnersAsync(CancellationToken cancellationToken)
    {
        var owners = new Dictionary<int, string>();
        foreach (var (member, description) in await DescribeAllAsync(cancellationToken))
        {
            foreach (var partition in description?.Partitions ?? [])
            {
                owners[partition] = member.Address.ToString();
            }
        }

        return owners;
    }

    public async Task<ClusterPartitionsDto> PartitionsAsync(string topic, CancellationToken cancellationToken)
    {
        var owners = await PartitionOwnersAsync(cancellationToken);
        var latest = partitions.Latest;
        return new ClusterPartitionsDto(topic, latest?.ReadAt, [.. (latest?.Partitions ?? []).Select(p => new PartitionDto(
            p.Partition, owners.GetValueOrDefault(p.Partition), p.StoredOffset, p.HighWatermark, p.Lag, p.LastCommitAt, p.RecordsPerSecond))]);
    }

    /// <summary>Every member but the removed, by address, with what its agent answered (null: unreachable, or no answer in time).</summary>
    private async Task<IReadOnlyList<(Member Member, NodeDescription? Description)>> DescribeAllAsync(CancellationToken cancellationToken)
    {
        var state = Cluster.State;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        var members = state.Members.Where(m => m.Status != MemberStatus.Removed).OrderBy(m => m.Address.ToString(), StringComparer.Ordinal).ToList();
        var answers = await Task.WhenAll(members.Select(async m => unreachable.Contains(m.Address) ? null : await AskAsync(m.Address, cancellationToken)));
        return [.. members.Zip(answers)];
    }

    private async Task<NodeDescription?> AskAsync(Address node, CancellationToken cancellationToken)
    {
        try
        {
            return await system.ActorSelection(NodeAgent.PathOn(node)).Ask<NodeDescription>(DescribeNode.Instance, AskTimeout, cancellationToken);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    private static List<Member> ByAge(ImmutableSortedSet<Member> members)
    {
        var list = members.ToList();
        list.Sort((a, b) => a.IsOlderThan(b) ? -1 : b.IsOlderThan(a) ? 1 : 0);
        return list;
    }
}
