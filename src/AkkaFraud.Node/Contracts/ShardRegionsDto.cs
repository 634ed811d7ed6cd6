namespace AkkaFraud.Node.Contracts;

/// <summary>
/// <c>GET /api/cluster/shards/{region}</c>: the shards every member hosts, with their entity counts, asked of every
/// member. A member that did not answer in time is listed with <see cref="RegionDto.Answered"/> false and no shards.
/// </summary>
public sealed record ShardRegionsDto(IReadOnlyList<RegionDto> Regions);

public sealed record RegionDto(string Node, bool Answered, IReadOnlyList<ShardDto> Shards);

public sealed record ShardDto(string ShardId, int NumEntities);
