using Akka.Actor;
using Akka.Event;
using AkkaFraud.Domain;
using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;

namespace AkkaFraud.Cluster.Accounts;

/// <summary>
/// One per node: turns the account activations' checkpoint requests into batched queries (checkpoints, then the rows
/// stored after them). While one query runs, new
/// requests gather; when it completes they go out together, so a burst of 100k new accounts costs a few hundred
/// queries, not 100k.
/// </summary>
internal sealed class CheckpointLoader : ReceiveActor
{
    private const int MaxBatch = 1000;

    private readonly IPipelineStore _store;
    private readonly KafkaClusterIdentity _cluster;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, List<IActorRef>> _waiting = new(StringComparer.Ordinal);
    private bool _querying;

    private sealed record QueryDone(IReadOnlyDictionary<string, List<IActorRef>> Requests, IReadOnlyDictionary<string, CheckpointLoaded>? Found, string? Error)
        : INoSerializationVerificationNeeded;

    public CheckpointLoader(IPipelineStore store, KafkaClusterIdentity cluster)
    {
        _store = store;
        _cluster = cluster;
        Receive<LoadCheckpoint>(request =>
        {
            if (!_waiting.TryGetValue(request.AccountId, out var askers))
            {
                askers = [];
                _waiting.Add(request.AccountId, askers);
            }

            askers.Add(Sender);
            QueryIfIdle();
        });
        Receive<QueryDone>(done =>
        {
            _querying = false;
            foreach (var (accountId, askers) in done.Requests)
            {
                object reply = done.Error is not null ? new CheckpointLoadFailed(accountId, done.Error) : done.Found![accountId];
                foreach (var asker in askers)
                {
                    asker.Tell(reply);
                }
            }

            QueryIfIdle();
        });
    }

    public static Props Props(IPipelineStore store, KafkaClusterIdentity cluster) => Akka.Actor.Props.Create(() => new CheckpointLoader(store, cluster));

    private void QueryIfIdle()
    {
        if (_querying || _waiting.Count == 0)
        {
            return;
        }

        var requests = _waiting.Take(MaxBatch).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        foreach (var accountId in requests.Keys)
        {
            _waiting.Remove(accountId);
        }

        _querying = true;
        LoadAsync(_store, _cluster, requests.Keys.ToList()).PipeTo(Self,
            success: found => new QueryDone(requests, found, null),
            failure: error =>
            {
                _log.Warning(error, "Loading {0} account checkpoints failed; the accounts will ask again", requests.Count);
                return new QueryDone(requests, null, error.GetBaseException().Message);
            });
    }

    private static async Task<IReadOnlyDictionary<string, CheckpointLoaded>> LoadAsync(
        IPipelineStore store, KafkaClusterIdentity cluster, IReadOnlyList<string> accountIds)
    {
        // The account's state and rows of this Kafka cluster only: another cluster's offsets say nothing about this one's.
        var kafkaCluster = await cluster.GetAsync();
        var checkpoints = await store.GetCheckpointsAsync(kafkaCluster, accountIds);
        var after = accountIds.ToDictionary(id => id, id => checkpoints.TryGetValue(id, out var c) ? c.AsOfOffset : -1L, StringComparer.Ordinal);
        var rows = await store.GetTransactionsAfterAsync(kafkaCluster, after);
        return accountIds.ToDictionary(
            id => id,
            id => new CheckpointLoaded(
                id,
                // Typed as nullable: a bare null would convert through byte[] to an empty checkpoint, not to "none".
                checkpoints.TryGetValue(id, out var checkpoint) ? checkpoint.State : (ReadOnlyMemory<byte>?)null,
                rows.TryGetValue(id, out var replay) ? [.. replay.Select(r => r.Transaction)] : []),
            StringComparer.Ordinal);
    }
}
