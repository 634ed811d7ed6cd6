namespace AkkaFraud.Domain;

/// <summary>Why a record is a dead letter. The <see cref="RejectionCodes.ToCode"/> form is what storage and topics carry.</summary>
public enum RejectionCode
{
    MalformedJson,
    NotAnObject,
    MissingField,
    WrongType,
    InvalidField,
    InvalidAmount,
    AmountOutOfRange,
    InvalidCurrency,
    InvalidEventTime,
    FutureEventTime,
    OversizedRecord,
    ControlCharacters,
}

/// <summary>A record that is not a valid transaction: the reason code, and a detail for operators (never raw input).</summary>
public sealed record Rejection(RejectionCode Code, string Detail)
{
    public string ReasonCode => Code.ToCode();
}

public static class RejectionCodes
{
    public static string ToCode(this RejectionCode code) => code switch
    {
        RejectionCode.MalformedJson => "malformed_json",
        RejectionCode.NotAnObject => "not_an_object",
        RejectionCode.MissingField => "missing_field",
        RejectionCode.WrongType => "wrong_type",
        RejectionCode.InvalidField => "invalid_field",
        RejectionCode.InvalidAmount => "invalid_amount",
        RejectionCode.AmountOutOfRange => "amount_out_of_range",
        RejectionCode.InvalidCurrency => "invalid_currency",
        RejectionCode.InvalidEventTime => "invalid_event_time",
        RejectionCode.FutureEventTime => "future_event_time",
        RejectionCode.OversizedRecord => "oversized_record",
        RejectionCode.ControlCharacters => "control_characters",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, null),
    };

    public static RejectionCode Parse(string code) =>
        Enum.GetValues<RejectionCode>().FirstOrDefault(c => c.ToCode() == code, (RejectionCode)(-1)) is var parsed && (int)parsed >= 0
            ? parsed
            : throw new FormatException($"Unknown rejection code '{code}'.");
}

/// <summary>The parser's result: exactly one of <see cref="Transaction"/> and <see cref="Rejection"/> is set.</summary>
public readonly record struct ParseResult
{
    private ParseResult(Transaction? transaction, Rejection? rejection)
    {
        Transaction = transaction;
        Rejection = rejection;
    }

    public Transaction? Transaction { get; }
    public Rejection? Rejection { get; }
    public bool IsValid => Transaction is not null;

    public static ParseResult Valid(Transaction transaction) => new(transaction, null);
    public static ParseResult Rejected(RejectionCode code, string detail) => new(null, new Rejection(code, detail));
}
