using AkkaFraud.Domain;

namespace AkkaFraud.Simulator;

/// <summary>One generated transaction and, when it is fraud, its label.</summary>
public readonly record struct SimulatedTransaction(Transaction Transaction, FraudLabel? Label)
{
    public bool IsFraud => Label is not null;
}

/// <summary>
/// One record for the <c>transactions</c> topic: <see cref="Key"/>, <see cref="Value"/> and <see cref="Timestamp"/> are
/// what a producer sends. The rest is ground truth kept apart from the record: the transaction it encodes, its fraud
/// label, or, for a deliberately invalid record, the defect and the rejection code the parser must give it.
/// </summary>
public sealed class SimulatedRecord
{
    /// <summary>The account id (the partitioning key). Invalid records keep the key of the account they pretend to be from.</summary>
    public required string Key { get; init; }

    /// <summary>UTF-8 JSON as <see cref="TransactionJson.Serialize(Transaction)"/> writes it, or the broken bytes of an invalid record.</summary>
#pragma warning disable CA1819 // A Kafka value is a byte array; copying it per access would defeat the purpose.
    public required byte[] Value { get; init; }
#pragma warning restore CA1819

    /// <summary>
    /// The record's timestamp: event time plus a short transport delay (tens to hundreds of milliseconds). It is the
    /// reference time to give <see cref="TransactionParser.Parse"/>.
    /// </summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The transaction <see cref="Value"/> encodes; null for an invalid record.</summary>
    public Transaction? Transaction { get; init; }

    public FraudLabel? Label { get; init; }

    /// <summary>What is wrong with an invalid record; null for a valid one.</summary>
    public RecordDefect? Defect { get; init; }

    public bool IsValid => Defect is null;
}

/// <summary>How an invalid record was broken, and the code <see cref="TransactionParser"/> must reject it with.</summary>
public sealed record RecordDefect(RejectionCode ExpectedCode, string Description);
