using AkkaFraud.Domain;

namespace AkkaFraud.Node.Contracts;

/// <summary>A flagged transaction just committed, as pushed live.</summary>
public sealed record AlertDto(
    string AlertId,
    string TransactionId,
    string AccountId,
    DateTimeOffset EventTime,
    decimal Amount,
    string Currency,
    string? MerchantName,
    string Country,
    string Channel,
    int Score,
    string Decision,
    IReadOnlyList<ReasonDto> Reasons,
    DateTimeOffset CommittedAt)
{
    public static AlertDto From(FraudAlert alert, DateTimeOffset committedAt)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var t = alert.Transaction;
        return new(alert.AlertId, t.TransactionId, t.AccountId, t.EventTime.ToUniversalTime(), t.Amount, t.Currency, t.MerchantName, t.Country,
            WireNames.Channel(t.Channel), alert.Verdict.Score, WireNames.Decision(alert.Verdict.Decision),
            [.. alert.Verdict.Reasons.Select(ReasonDto.From)], committedAt);
    }
}
