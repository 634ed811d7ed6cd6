using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using AkkaFraud.Domain;

namespace AkkaFraud.Cluster.Rules;

/// <summary>
/// The cluster's one rule book (a cluster singleton): an event-sourced <see cref="RuleBook"/> whose events are its
/// entries, journaled through Akka.Persistence.Sql (PostgreSQL in a cluster, SQLite embedded), with a snapshot every
/// <c>snapshotEvery</c> entries. A change is decided by the book, persisted, applied, then answered, and the rule set
/// in force is published to every node (topic <see cref="Topic"/>); a node that joins pulls it. A new book starts
/// with <c>initial</c> as version 1.
/// </summary>
public sealed class RuleBookActor : ReceivePersistentActor
{
    public const string Topic = "rule-set";

    /// <summary>Who made the first version of a new book.</summary>
    public const string System = "akkafraud";

    private readonly RuleBook _book = new();
    private readonly RuleSet _initial;
    private readonly int _snapshotEvery;
    private readonly IActorRef _mediator;
    private readonly TimeProvider _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private long _snapshotAt;

    public RuleBookActor(RuleSet initial, int snapshotEvery, IActorRef mediator, TimeProvider clock)
    {
        (_initial, _snapshotEvery, _mediator, _clock) = (initial, snapshotEvery, mediator, clock);
        Recover<SnapshotOffer>(offer =>
        {
            _snapshotAt = offer.Metadata.SequenceNr;
            var snapshot = (RuleBookSnapshot)offer.Snapshot;
            foreach (var entry in snapshot.History)
            {
                _book.Apply(entry);
            }

            foreach (var proposal in snapshot.Proposals)
            {
                _book.Apply(proposal);
            }
        });
        Recover<RuleBookEntry>(_book.Apply);
        Recover<RuleSetProposal>(_book.Apply);
        Recover<RecoveryCompleted>(_ => Recovered());
        Command<GetRuleBook>(_ => Sender.Tell(new RuleBookView([.. _book.History]) { Proposals = [.. _book.Proposals] }));
        Command<GetRuleSetInForce>(_ => Sender.Tell(InForce()));
        Command<ChangeRules>(Change);
        Command<SaveSnapshotSuccess>(success => DeleteSnapshots(new SnapshotSelectionCriteria(success.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(failure => _log.Warning(failure.Cause, "Rule book snapshot at {0} failed; recovery replays more entries until the next one", failure.Metadata.SequenceNr));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failure => _log.Warning(failure.Cause, "Older rule book snapshots were not deleted"));
    }

    public override string PersistenceId => "rule-book";

    public static Props Props(RuleSet initial, int snapshotEvery, IActorRef mediator, TimeProvider clock) =>
        Akka.Actor.Props.Create(() => new RuleBookActor(initial, snapshotEvery, mediator, clock));

    private void Recovered()
    {
        if (_book.Version == 0)
        {
            Persist(RuleBook.First(_initial, System, _clock.GetUtcNow(), "the shipped rule set"), entry =>
            {
                _book.Apply(entry);
                _log.Info("Rule book started at v1 (the shipped rule set)");
                Publish();
            });
            return;
        }

        _log.Info("Rule book recovered at v{0} ({1})", _book.Version,
            _snapshotAt > 0 ? $"from the snapshot at entry {_snapshotAt} and {LastSequenceNr - _snapshotAt} entries after it" : $"from {LastSequenceNr} entries");
        Publish();
    }

    private void Change(ChangeRules change)
    {
        var now = _clock.GetUtcNow();
        var decision = change.Command switch
        {
            RuleBookCommand.Replace => _book.Replace(change.Json ?? "", change.Who, now, change.Comment),
            RuleBookCommand.PutRule => _book.PutRule(change.Json ?? "", change.ExpectedVersion, change.Who, now, change.Comment),
            RuleBookCommand.Enable => _book.SetEnabled(change.RuleId ?? "", true, change.ExpectedVersion, change.Who, now, change.Comment),
            RuleBookCommand.Disable => _book.SetEnabled(change.RuleId ?? "", false, change.ExpectedVersion, change.Who, now, change.Comment),
            RuleBookCommand.RemoveRule => _book.RemoveRule(change.RuleId ?? "", change.ExpectedVersion, change.Who, now, change.Comment),
            RuleBookCommand.RollBack => _book.RollBack(change.ToVersion ?? 0, change.ExpectedVersion, change.Who, now, change.Comment),
            RuleBookCommand.Propose => _book.Propose(change.Json ?? "", change.Who, now, change.Comment),
            RuleBookCommand.Activate => _book.Activate(change.ToVersion ?? 0, change.Who, now, change.Comment),
            RuleBookCommand.Snooze => _book.Snooze(change.RuleId ?? "", change.AccountId ?? "", change.Until, change.ExpectedVersion, change.Who, now, change.Comment),
            _ => RuleBookDecision.Refuse(RuleBookRefusal.Invalid, $"unknown rule book command {change.Command}"),
        };
        var sender = Sender;
        if (decision.Proposal is { } proposed)
        {
            Persist(proposed, proposal =>
            {
                _book.Apply(proposal);
                _log.Info("Rule book proposal {0} (on v{1}) by {2}", proposal.Number, proposal.BasedOn, proposal.Who);
                Snapshot();
                sender.Tell(decision);
            });
            return;
        }

        if (decision.Entry is null)
        {
            Sender.Tell(decision);
            return;
        }

        Persist(decision.Entry, entry =>
        {
            _book.Apply(entry);
            _log.Info("Rule book v{0}: {1}{2} by {3}{4}", entry.Version, entry.Change,
                (entry.RuleId is null ? "" : $" '{entry.RuleId}'") + (entry.AccountId is null ? "" : $" for account {entry.AccountId}"),
                entry.Who, entry.Comment is null ? "" : $" ({entry.Comment})");
            Publish();
            Snapshot();
            sender.Tell(decision);
        });
    }

    private void Snapshot()
    {
        if (LastSequenceNr - _snapshotAt >= _snapshotEvery)
        {
            _snapshotAt = LastSequenceNr;
            SaveSnapshot(new RuleBookSnapshot([.. _book.History]) { Proposals = [.. _book.Proposals] });
        }
    }

    private RuleSetInForce InForce() => new(_book.Version, _book.Active!.ToJson());

    private void Publish() => _mediator.Tell(new Publish(Topic, InForce()));
}
