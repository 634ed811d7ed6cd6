using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using AkkaFraud.Cluster.Accounts;
using AkkaFraud.Domain;

namespace AkkaFraud.Cluster.Rules;

/// <summary>
/// Keeps this node's <see cref="RuleSetSource"/> at the newest rule set the rule book has put in force: it takes every
/// publication of the topic, and pulls from the singleton when it starts (a node that joins missed the publications
/// before it) and then every <c>pullEvery</c> (a publication can be lost while the topic's subscribers spread). Versions
/// only grow, so an older or repeated one is ignored.
/// </summary>
public sealed class RuleSetFollower : ReceiveActor, IWithTimers
{
    private const string PullTimer = "pull";
    private readonly RuleSetSource _source;
    private readonly IActorRef _ruleBook;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public RuleSetFollower(RuleSetSource source, IActorRef ruleBook, IActorRef mediator, TimeSpan pullEvery)
    {
        (_source, _ruleBook) = (source, ruleBook);
        mediator.Tell(new Subscribe(RuleBookActor.Topic, Self));
        Receive<SubscribeAck>(_ => { });
        Receive<Pull>(_ => _ruleBook.Tell(GetRuleSetInForce.Instance));
        Receive<RuleSetInForce>(Follow);
        RuleBookMetrics.VersionInForce.Record(source.Current.Version);
        Self.Tell(Pull.Instance);
        Timers!.StartPeriodicTimer(PullTimer, Pull.Instance, pullEvery);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(RuleSetSource source, IActorRef ruleBook, IActorRef mediator, TimeSpan pullEvery) =>
        Akka.Actor.Props.Create(() => new RuleSetFollower(source, ruleBook, mediator, pullEvery));

    private void Follow(RuleSetInForce inForce)
    {
        // Until the book answers, the source holds this build's shipped rules, whose v1 need not be the book's v1.
        var current = _source.Current.Version;
        if (_source.FromRuleBook && inForce.Version <= current)
        {
            return;
        }

        RuleSet ruleSet;
        try
        {
            ruleSet = RuleSet.FromJson(inForce.RuleSetJson);
        }
        catch (FormatException e)
        {
            // The book validated it; a node that cannot read it runs an older build: it keeps what it scores with.
            _log.Error(e, "Rule set v{0} from the rule book is not valid here; this node keeps scoring with v{1}", inForce.Version, current);
            return;
        }

        var first = !_source.FromRuleBook;
        _source.Replace(ruleSet, fromRuleBook: true);
        RuleBookMetrics.VersionInForce.Record(ruleSet.Version);
        _log.Info(first ? "Rules in force here: the rule book's v{0}" : "Rules in force here: v{0} (was v{1})", inForce.Version, current);
    }

    private sealed class Pull
    {
        public static Pull Instance { get; } = new();
    }
}
