using System.Text.Json;
using System.Text.Json.Serialization;

namespace AkkaFraud.Domain;

/// <summary>
/// A flagged transaction, as published on the <c>fraud-alerts</c> topic and to the dashboards. <see cref="AlertId"/>
/// is derived from the transaction id, so the same alert published twice (after a crash, before its batch was
/// committed) carries the same id and consumers can drop the copy.
/// </summary>
public sealed record FraudAlert(Transaction Transaction, Verdict Verdict)
{
    public string AlertId => "alert:" + Transaction.TransactionId;

    /// <summary>
    /// The alert as UTF-8 JSON: <c>{"alertId":…,"transaction":{…the wire form…},"verdict":{"score":…,"decision":"review",
    /// "ruleSetVersion":…,"reasons":[{"ruleId":…,"kind":"velocity","observed":…,"limit":…,"weight":…,"message":…}]}}</c>.
    /// </summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(new AlertDocument
    {
        AlertId = AlertId,
        Transaction = TransactionDocument.From(Transaction),
        Verdict = new VerdictDocument
        {
            Score = Verdict.Score,
            Decision = WireNames.Decision(Verdict.Decision),
            RuleSetVersion = Verdict.RuleSetVersion,
            Reasons = Verdict.Reasons.Select(r => new ReasonDocument
            {
                RuleId = r.RuleId,
                Kind = WireNames.RuleKind(r.Kind),
                Observed = r.Observed,
                Limit = r.Limit,
                Weight = r.Weight,
                Message = r.Message,
            }).ToList(),
        },
    }, AlertJsonContext.Default.AlertDocument);
}

internal sealed class AlertDocument
{
    public required string AlertId { get; init; }
    public required TransactionDocument Transaction { get; init; }
    public required VerdictDocument Verdict { get; init; }
}

internal sealed class VerdictDocument
{
    public required int Score { get; init; }
    public required string Decision { get; init; }
    public required int RuleSetVersion { get; init; }
    public required List<ReasonDocument> Reasons { get; init; }
}

internal sealed class ReasonDocument
{
    public required string RuleId { get; init; }
    public required string Kind { get; init; }
    public required decimal Observed { get; init; }
    public required decimal Limit { get; init; }
    public required int Weight { get; init; }
    public required string Message { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AlertDocument))]
internal sealed partial class AlertJsonContext : JsonSerializerContext;
