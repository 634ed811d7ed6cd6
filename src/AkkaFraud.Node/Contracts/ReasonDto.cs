using AkkaFraud.Domain;

namespace AkkaFraud.Node.Contracts;

public sealed record ReasonDto(string RuleId, string Kind, decimal Observed, decimal Limit, int Weight, string Message)
{
    public static ReasonDto From(Reason reason) =>
        new(reason.RuleId, WireNames.RuleKind(reason.Kind), reason.Observed, reason.Limit, reason.Weight, reason.Message);
}
