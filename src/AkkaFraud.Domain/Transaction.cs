namespace AkkaFraud.Domain;

/// <summary>
/// One card or account transaction, as it arrives on the <c>transactions</c> topic (JSON, camelCase, key = accountId).
/// Instances are only created by <see cref="TransactionParser"/> (or by code that already holds valid data), so every
/// field here has passed validation: ids are short and printable, amounts positive with at most four decimals,
/// <see cref="EventTime"/> is UTC.
/// </summary>
public sealed record Transaction
{
    public required string TransactionId { get; init; }
    public required string AccountId { get; init; }

    /// <summary>When the transaction happened (UTC). Every rule works on this clock, never on the wall clock.</summary>
    public required DateTimeOffset EventTime
    {
        get;
        init
        {
            field = value;
            EventTimeMs = value.ToUnixTimeMilliseconds();
        }
    }

    public required decimal Amount { get; init; }

    /// <summary>ISO 4217 code, upper case.</summary>
    public required string Currency { get; init; }

    public required TransactionType Type { get; init; }
    public required Channel Channel { get; init; }
    public string? MerchantId { get; init; }

    /// <summary>Free text from the merchant: may hold anything printable, HTML included; always rendered escaped.</summary>
    public string? MerchantName { get; init; }

    /// <summary>ISO 18245 merchant category code (four digits).</summary>
    public string? MerchantCategory { get; init; }

    public string? CounterpartyId { get; init; }

    /// <summary>ISO 3166-1 alpha-2, upper case.</summary>
    public required string Country { get; init; }

    public double? Latitude { get; init; }
    public double? Longitude { get; init; }
    public string? DeviceId { get; init; }

    /// <summary>The account's ledger balance before this transaction, in its currency; set together with <see cref="BalanceAfter"/> or not at all.</summary>
    public decimal? BalanceBefore { get; init; }

    /// <summary>The account's ledger balance after this transaction.</summary>
    public decimal? BalanceAfter { get; init; }

    public bool HasLocation => Latitude is not null && Longitude is not null;

    public bool HasBalances => BalanceBefore is not null && BalanceAfter is not null;

    /// <summary>Money into the account (a deposit or a refund); every other type takes money out.</summary>
    public bool IsCredit => Type is TransactionType.Deposit or TransactionType.Refund;

    /// <summary>Money leaving the account to somewhere else: a transfer, a cash withdrawal or a payment (not a purchase).</summary>
    public bool MovesMoneyOut => Type is TransactionType.Transfer or TransactionType.CashWithdrawal or TransactionType.Payment;

    /// <summary>Event time as Unix milliseconds: the unit account state and windows use (every rule asks, so it is kept).</summary>
    public long EventTimeMs { get; private init; }
}

public enum TransactionType
{
    Purchase,
    Transfer,
    CashWithdrawal,
    Refund,
    Payment,

    /// <summary>Money into the account: cash in, an incoming transfer.</summary>
    Deposit,
}

public enum Channel
{
    Pos,
    Ecom,
    Atm,
    Transfer,
}
