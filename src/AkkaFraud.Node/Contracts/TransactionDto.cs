using AkkaFraud.Domain;
using AkkaFraud.Storage;

namespace AkkaFraud.Node.Contracts;

/// <summary>A stored, scored transaction.</summary>
public sealed record TransactionDto(
    string TransactionId,
    string AccountId,
    DateTimeOffset EventTime,
    decimal Amount,
    string Currency,
    string Type,
    string Channel,
    string? MerchantId,
    string? MerchantName,
    string? MerchantCategory,
    string? CounterpartyId,
    string Country,
    double? Latitude,
    double? Longitude,
    string? DeviceId,
    decimal? BalanceBefore,
    decimal? BalanceAfter,
    int Score,
    string Decision,
    bool IsFlagged,
    bool IsDuplicate,
    IReadOnlyList<ReasonDto> Reasons,
    int RuleSetVersion,
    int Partition,
    long Offset,
    DateTimeOffset IngestedAt,
    DateTimeOffset ProcessedAt)
{
    public static TransactionDto From(ScoredTransaction scored)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var t = scored.Transaction;
        var v = scored.Verdict;
        return new(
            t.TransactionId, t.AccountId, t.EventTime.ToUniversalTime(), t.Amount, t.Currency, WireNames.Type(t.Type), WireNames.Channel(t.Channel),
            t.MerchantId, t.MerchantName, t.MerchantCategory, t.CounterpartyId, t.Country, t.Latitude, t.Longitude, t.DeviceId,
            t.BalanceBefore, t.BalanceAfter, v.Score, WireNames.Decision(v.Decision), v.Flagged, v.IsDuplicate, [.. v.Reasons.Select(ReasonDto.From)], v.RuleSetVersion,
            scored.KafkaPartition, scored.KafkaOffset, scored.IngestedAt.ToUniversalTime(), scored.ProcessedAt.ToUniversalTime());
    }
}
