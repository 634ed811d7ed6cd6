using AkkaFraud.Domain;

namespace AkkaFraud.Storage.Internal;

/// <summary>
/// Reading enum columns back: <see cref="Domain.WireNames"/>' spelling, and a loud failure for a value the code does
/// not know (a newer writer, or damage), instead of a guess.
/// </summary>
internal static class StoredNames
{
    public static TransactionType ParseType(string value) =>
        Domain.WireNames.ParseType(value) ?? throw Unknown("transaction type", value);

    public static Channel ParseChannel(string value) =>
        Domain.WireNames.ParseChannel(value) ?? throw Unknown("channel", value);

    public static Decision ParseDecision(string value) =>
        Domain.WireNames.ParseDecision(value) ?? throw Unknown("decision", value);

    public static RuleKind ParseRuleKind(string value) =>
        Domain.WireNames.ParseRuleKind(value) ?? throw Unknown("rule kind", value);

    private static FormatException Unknown(string what, string value) => new($"unknown {what} '{value}' in the database");
}
