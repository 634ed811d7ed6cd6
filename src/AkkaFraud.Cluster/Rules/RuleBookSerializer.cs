using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using AkkaFraud.Domain;

namespace AkkaFraud.Cluster.Rules;

/// <summary>
/// The rule book's messages, its journal's events (<see cref="RuleBookEntry"/>, <see cref="RuleSetProposal"/>) and its snapshots, as JSON: the
/// journal keeps them for as long as the book exists, so they are readable with <c>psql</c> and tolerant of fields
/// added later. They are few and small; speed does not matter here.
/// </summary>
public sealed class RuleBookSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 7303;

    /// <summary>The types bound to this serializer.</summary>
    public static IReadOnlyList<Type> Types { get; } = [typeof(IRuleBookMessage), typeof(RuleBookEntry), typeof(RuleSetProposal), typeof(RuleBookDecision)];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly Dictionary<string, Type> ByManifest = new(StringComparer.Ordinal)
    {
        ["entry"] = typeof(RuleBookEntry),
        ["proposal"] = typeof(RuleSetProposal),
        ["decision"] = typeof(RuleBookDecision),
        ["get"] = typeof(GetRuleBook),
        ["view"] = typeof(RuleBookView),
        ["change"] = typeof(ChangeRules),
        ["in-force"] = typeof(RuleSetInForce),
        ["get-in-force"] = typeof(GetRuleSetInForce),
        ["snapshot"] = typeof(RuleBookSnapshot),
    };

    private static readonly Dictionary<Type, string> ManifestOf = ByManifest.ToDictionary(p => p.Value, p => p.Key);

    public override int Identifier => Id;

    public override string Manifest(object o) =>
        ManifestOf.TryGetValue(o.GetType(), out var manifest) ? manifest : throw new ArgumentException($"{o.GetType()} is not a rule book message", nameof(o));

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json);

    public override object FromBinary(byte[] bytes, string manifest) =>
        ByManifest.TryGetValue(manifest, out var type)
            ? JsonSerializer.Deserialize(bytes, type, Json) ?? throw new SerializationException($"rule book {manifest} is JSON null")
            : throw new SerializationException($"unknown rule book manifest '{manifest}'");
}
