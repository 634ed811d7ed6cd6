using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json;
using AkkaFraud.Domain;

namespace AkkaFraud.Storage.Internal;

/// <summary>
/// A verdict's reasons as stored: a JSON array of
/// <c>{"ruleId":"velocity-1m","kind":"velocity","observed":7,"limit":5,"weight":40,"message":"7 transactions in 60 s &gt; limit 5"}</c>.
/// Dashboards filter alerts on <c>ruleId</c>.
/// </summary>
internal static class ReasonsJson
{
    public const string Empty = "[]";

    public static string Serialize(ImmutableArray<Reason> reasons)
    {
        if (reasons.IsDefaultOrEmpty)
        {
            return Empty;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var reason in reasons)
            {
                writer.WriteStartObject();
                writer.WriteString("ruleId", reason.RuleId);
                writer.WriteString("kind", Domain.WireNames.RuleKind(reason.Kind));
                writer.WriteNumber("observed", reason.Observed);
                writer.WriteNumber("limit", reason.Limit);
                writer.WriteNumber("weight", reason.Weight);
                writer.WriteString("message", reason.Message);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The filter document for "a reason with this rule id" (PostgreSQL's <c>@&gt;</c> containment).</summary>
    public static string RuleFilter(string ruleId)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteStartObject();
            writer.WriteString("ruleId", ruleId);
            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static ImmutableArray<Reason> Deserialize(string json)
    {
        if (json is Empty)
        {
            return [];
        }

        using var document = JsonDocument.Parse(json);
        var reasons = ImmutableArray.CreateBuilder<Reason>(document.RootElement.GetArrayLength());
        foreach (var element in document.RootElement.EnumerateArray())
        {
            reasons.Add(new Reason(
                element.GetProperty("ruleId").GetString()!,
                StoredNames.ParseRuleKind(element.GetProperty("kind").GetString()!),
                element.GetProperty("observed").GetDecimal(),
                element.GetProperty("limit").GetDecimal(),
                element.GetProperty("weight").GetInt32(),
                element.GetProperty("message").GetString()!));
        }

        return reasons.MoveToImmutable();
    }
}
