namespace AkkaFraud.Simulator;

/// <summary>
/// The truth about one fraudulent transaction, kept apart from it: the engine never sees labels, an evaluation joins
/// them to verdicts on <see cref="TransactionId"/>. Transactions without a label are the customers' own.
/// </summary>
/// <param name="TransactionId">The labelled transaction.</param>
/// <param name="AccountId">The victim's account.</param>
/// <param name="Scenario">What kind of fraud it is part of.</param>
/// <param name="IncidentId">Which incident the transaction belongs to (all of a burst share one).</param>
/// <param name="Decisive">
/// Whether this is a transaction a fraud system must stop: the one that completes the scenario's pattern. False for
/// the lead-in that is harmless-looking on its own (card-test probes, the first <see cref="BurstLeadIn"/> of a burst)
/// and for follow-ups at the same place after impossible travel. Decisive or not, every labelled transaction is fraud.
/// </param>
public sealed record FraudLabel(string TransactionId, string AccountId, FraudScenario Scenario, long IncidentId, bool Decisive)
{
    /// <summary>
    /// How many quick transactions in a row a real customer plausibly makes (a busy checkout, a few taps on the metro):
    /// a velocity burst is only recognisable as one after this many.
    /// </summary>
    public const int BurstLeadIn = 5;
}

/// <summary>A fraud incident started on demand (<see cref="TrafficSimulator.Inject"/>): its transactions carry labels with this id.</summary>
public sealed record FraudIncident(long Id, FraudScenario Scenario, string AccountId);
