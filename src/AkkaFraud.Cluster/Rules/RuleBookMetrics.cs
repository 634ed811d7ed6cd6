using System.Diagnostics.Metrics;

namespace AkkaFraud.Cluster.Rules;

/// <summary>The rule book's instruments (meter <c>AkkaFraud.Rules</c>), exported by the node as Prometheus metrics.</summary>
public static class RuleBookMetrics
{
    public const string MeterName = "AkkaFraud.Rules";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Which version a node scores with: a fleet whose nodes disagree for long has a follower that cannot keep up.</summary>
    public static readonly Gauge<int> VersionInForce = Meter.CreateGauge<int>("akkafraud.rules.version", null, "The rule book version this node scores with.");
}
