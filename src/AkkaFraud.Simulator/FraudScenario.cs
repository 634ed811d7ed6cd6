namespace AkkaFraud.Simulator;

/// <summary>The kinds of fraud the simulator injects, each a small story told in transactions.</summary>
public enum FraudScenario
{
    /// <summary>
    /// A stolen card cashed out in one purchase of 8,000–60,000 (log-uniform, in the account's currency): online, or
    /// in a shop of the victim's city. One transaction, decisive.
    /// </summary>
    LargeAmount,

    /// <summary>
    /// A bot spends a stolen card as fast as it can: 8–16 online purchases about five seconds apart. The first
    /// <see cref="FraudLabel.BurstLeadIn"/> look like a busy customer and are not decisive; every later one is.
    /// </summary>
    VelocityBurst,

    /// <summary>
    /// A card skimmed at the victim's card-present purchase is cloned and used in a far city 5 minutes to 3 hours
    /// later, farther than an airliner could fly in that time (&gt; 1,000 km/h). The first use far away is decisive; a
    /// second one at the same place (half the incidents) is a follow-up.
    /// </summary>
    ImpossibleTravel,

    /// <summary>
    /// 3–8 online charges of at most 5 test whether a stolen card works, then a purchase of 250–3,000 follows within
    /// minutes. The probes are not decisive; the purchase is.
    /// </summary>
    CardTesting,

    /// <summary>
    /// Someone else logs into the victim's online banking from a new device in another country and drains the account
    /// with 2–5 transfers to mule accounts, minutes apart. Every transfer is decisive.
    /// </summary>
    AccountTakeover,

    /// <summary>
    /// The account is a money mule, one hop of a chain: a transfer of 2,000–15,000 (in the account's currency) comes
    /// in from the hop before (another bank's account, new to this one), and within the hour 85–98 % of it leaves
    /// again in 1–3 parts, to the next hop's new account or as cash from an ATM at home, from the mule's own phone.
    /// The incoming deposit is fraud but not decisive (a bank cannot refuse it); every outgoing part is decisive.
    /// </summary>
    MulePassThrough,
}

public static class FraudScenarios
{
    public static IReadOnlyList<FraudScenario> All { get; } = Enum.GetValues<FraudScenario>();

    /// <summary>The scenario's name in tables, logs and files: "large-amount", "velocity-burst", ...</summary>
    public static string ToCode(this FraudScenario scenario) => scenario switch
    {
        FraudScenario.LargeAmount => "large-amount",
        FraudScenario.VelocityBurst => "velocity-burst",
        FraudScenario.ImpossibleTravel => "impossible-travel",
        FraudScenario.CardTesting => "card-testing",
        FraudScenario.AccountTakeover => "account-takeover",
        FraudScenario.MulePassThrough => "mule-pass-through",
        _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null),
    };
}
