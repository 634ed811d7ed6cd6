using Akka.Actor;
using Akka.Cluster;
using AkkaFraud.Node.Contracts;

namespace AkkaFraud.Node.Live;

/// <summary>The contract's member list, from cluster state.</summary>
internal static class Membership
{
    public static IReadOnlyList<MemberDto> Describe(IEnumerable<Member> members, IReadOnlySet<Address> unreachable, Address? leader)
    {
        var list = members.OrderBy(m => m.Address.ToString(), StringComparer.Ordinal).ToList();
        var oldest = list.Where(m => m.Status is MemberStatus.Up or MemberStatus.Leaving or MemberStatus.Exiting)
            .Aggregate((Member?)null, (best, m) => best is null || m.IsOlderThan(best) ? m : best);
        return [.. list.Select(m => new MemberDto(
            m.Address.ToString(),
            Status(m.Status),
            [.. m.Roles.Order(StringComparer.Ordinal)],
            !unreachable.Contains(m.Address),
            m.Address == leader,
            oldest is not null && m.Address == oldest.Address))];
    }

    private static string Status(MemberStatus status) => status switch
    {
        MemberStatus.Up => "up",
        MemberStatus.Joining => "joining",
        MemberStatus.Leaving => "leaving",
        MemberStatus.Exiting => "exiting",
        MemberStatus.Down => "down",
        MemberStatus.Removed => "removed",
        MemberStatus.WeaklyUp => "weaklyup",
        _ => status.ToString().ToLowerInvariant(),
    };
}
