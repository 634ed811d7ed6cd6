namespace AkkaFraud.Domain;

/// <summary>
/// The one spelling of each enum value outside the process: in transaction JSON, alert JSON, rule sets and the
/// warehouse's columns. Parsing is strict (exact, lower case) and returns null for anything else.
/// </summary>
public static class WireNames
{
    public static string Type(TransactionType type) => type switch
    {
        TransactionType.Purchase => "purchase",
        TransactionType.Transfer => "transfer",
        TransactionType.CashWithdrawal => "cash-withdrawal",
        TransactionType.Refund => "refund",
        TransactionType.Payment => "payment",
        TransactionType.Deposit => "deposit",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static TransactionType? ParseType(string value) => value switch
    {
        "purchase" => TransactionType.Purchase,
        "transfer" => TransactionType.Transfer,
        "cash-withdrawal" => TransactionType.CashWithdrawal,
        "refund" => TransactionType.Refund,
        "payment" => TransactionType.Payment,
        "deposit" => TransactionType.Deposit,
        _ => null,
    };

    public static string Channel(Channel channel) => channel switch
    {
        Domain.Channel.Pos => "pos",
        Domain.Channel.Ecom => "ecom",
        Domain.Channel.Atm => "atm",
        Domain.Channel.Transfer => "transfer",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, null),
    };

    public static Channel? ParseChannel(string value) => value switch
    {
        "pos" => Domain.Channel.Pos,
        "ecom" => Domain.Channel.Ecom,
        "atm" => Domain.Channel.Atm,
        "transfer" => Domain.Channel.Transfer,
        _ => null,
    };

    public static string Decision(Decision decision) => decision switch
    {
        Domain.Decision.Approve => "approve",
        Domain.Decision.Review => "review",
        Domain.Decision.Block => "block",
        _ => throw new ArgumentOutOfRangeException(nameof(decision), decision, null),
    };

    public static Decision? ParseDecision(string value) => value switch
    {
        "approve" => Domain.Decision.Approve,
        "review" => Domain.Decision.Review,
        "block" => Domain.Decision.Block,
        _ => null,
    };

    public static string RuleKind(RuleKind kind) => kind switch
    {
        Domain.RuleKind.Threshold => "threshold",
        Domain.RuleKind.Velocity => "velocity",
        Domain.RuleKind.ImpossibleTravel => "impossible-travel",
        Domain.RuleKind.CardTesting => "card-testing",
        Domain.RuleKind.AccountDrain => "account-drain",
        Domain.RuleKind.BalanceMismatch => "balance-mismatch",
        Domain.RuleKind.FirstSeen => "first-seen",
        Domain.RuleKind.PassThrough => "pass-through",
        Domain.RuleKind.AmountAnomaly => "amount-anomaly",
        Domain.RuleKind.DistinctVelocity => "distinct-velocity",
        Domain.RuleKind.All => "all",
        Domain.RuleKind.Any => "any",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static RuleKind? ParseRuleKind(string value) => value switch
    {
        "threshold" => Domain.RuleKind.Threshold,
        "velocity" => Domain.RuleKind.Velocity,
        "impossible-travel" => Domain.RuleKind.ImpossibleTravel,
        "card-testing" => Domain.RuleKind.CardTesting,
        "account-drain" => Domain.RuleKind.AccountDrain,
        "balance-mismatch" => Domain.RuleKind.BalanceMismatch,
        "first-seen" => Domain.RuleKind.FirstSeen,
        "pass-through" => Domain.RuleKind.PassThrough,
        "amount-anomaly" => Domain.RuleKind.AmountAnomaly,
        "distinct-velocity" => Domain.RuleKind.DistinctVelocity,
        "all" => Domain.RuleKind.All,
        "any" => Domain.RuleKind.Any,
        _ => null,
    };

    public static string RuleBookChange(RuleBookChange change) => change switch
    {
        Domain.RuleBookChange.Activated => "activated",
        Domain.RuleBookChange.RuleAdded => "rule-added",
        Domain.RuleBookChange.RuleChanged => "rule-changed",
        Domain.RuleBookChange.RuleRemoved => "rule-removed",
        Domain.RuleBookChange.RuleEnabled => "rule-enabled",
        Domain.RuleBookChange.RuleDisabled => "rule-disabled",
        Domain.RuleBookChange.ThresholdsChanged => "thresholds-changed",
        Domain.RuleBookChange.RolledBack => "rolled-back",
        Domain.RuleBookChange.RuleSnoozed => "rule-snoozed",
        Domain.RuleBookChange.RuleUnsnoozed => "rule-unsnoozed",
        _ => throw new ArgumentOutOfRangeException(nameof(change), change, null),
    };
}
