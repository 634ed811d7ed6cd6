using Akka.Actor;
using AkkaFraud.Domain;

namespace AkkaFraud.Cluster.Accounts;

// Node-local messages (loader and accounts of one node): never on the wire, so exempt from serialize-messages.
internal sealed record LoadCheckpoint(string AccountId) : INoSerializationVerificationNeeded;

/// <summary>
/// The account's stored checkpoint (null <paramref name="State"/>: none yet) and its stored transactions after it, in
/// the order it applied them: replayed on top, they give its state as of the stored offsets.
/// </summary>
internal sealed record CheckpointLoaded(string AccountId, ReadOnlyMemory<byte>? State, IReadOnlyList<Transaction> Replay)
    : INoSerializationVerificationNeeded;

internal sealed record CheckpointLoadFailed(string AccountId, string Reason) : INoSerializationVerificationNeeded;
