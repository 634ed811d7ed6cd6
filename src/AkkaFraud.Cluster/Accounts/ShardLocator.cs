using Akka.Actor;
using Akka.Cluster.Sharding;

namespace AkkaFraud.Cluster.Accounts;

/// <summary>
/// The entity <see cref="LocateShard.EntityId"/> of every account shard: says which node hosts the shard, then
/// passivates, so it is not counted among the shard's entities for longer than one question.
/// </summary>
internal sealed class ShardLocator : ReceiveActor
{
    public ShardLocator()
    {
        var self = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();
        Receive<LocateShard>(locate =>
        {
            Sender.Tell(new ShardLocated(locate.Partition, self));
            Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        });
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new ShardLocator());
}
