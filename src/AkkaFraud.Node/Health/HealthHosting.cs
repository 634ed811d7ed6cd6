using System.Text.Json;
using Akka.Actor;
using AkkaFraud.Cluster.Pipeline;
using AkkaFraud.Node.Hosting;
using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AkkaFraud.Node.Health;

/// <summary>
/// <c>/alive</c>: the process and its actor system run. <c>/ready</c>: this node can do its work — the actor system is
/// up, this node is an Up cluster member, the warehouse answers, and on scorer nodes the pipeline runs.
/// </summary>
internal static partial class HealthHosting
{
    private const string Live = "live";
    private const string Ready = "ready";

    public static IServiceCollection AddFraudHealthChecks(this IServiceCollection services, NodeSettings settings)
    {
        var checks = services.AddHealthChecks()
            .AddCheck<ActorSystemCheck>("actor-system", tags: [Live, Ready])
            .AddCheck<ClusterMemberCheck>("cluster-member", tags: [Ready])
            .AddCheck<WarehouseCheck>("warehouse", tags: [Ready]);
        if (settings.IsScorer)
        {
            checks.AddCheck<PipelineCheck>("pipeline", tags: [Ready]);
        }

        services.AddSingleton<IHealthCheckPublisher, ReadinessLog>();
        services.Configure<HealthCheckPublisherOptions>(options =>
        {
            options.Delay = TimeSpan.FromSeconds(1);
            options.Period = TimeSpan.FromSeconds(2);
            options.Predicate = c => c.Tags.Contains(Ready);
        });
        return services;
    }

    public static IEndpointRouteBuilder MapFraudHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Live), ResponseWriter = WriteAsync }).AllowAnonymous();
        app.MapHealthChecks("/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteAsync }).AllowAnonymous();
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString().ToLowerInvariant(), description = e.Value.Description }),
        }, cancellationToken: context.RequestAborted);
    }

    /// <summary>
    /// Readiness in the log as events: one line when the node becomes ready, one when a check starts or stops failing
    /// (with its reason), never one per probe. ASP.NET Core's own line per failing probe is off (appsettings.json).
    /// </summary>
    private sealed partial class ReadinessLog(ILogger<ReadinessLog> log) : IHealthCheckPublisher
    {
        private string? _failing;

        public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
        {
            var failing = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).ToList();
            var names = string.Join(", ", failing.Select(e => e.Key));
            if (names != _failing)
            {
                if (failing.Count == 0)
                {
                    BecameReady(log, string.Join(", ", report.Entries.Keys));
                }
                else
                {
                    NotReady(log, string.Join("; ", failing.Select(e => $"{e.Key}: {e.Value.Description}")));
                }

                _failing = names;
            }

            return Task.CompletedTask;
        }

        [LoggerMessage(1, LogLevel.Information, "Ready: every check passes ({Checks})")]
        private static partial void BecameReady(ILogger logger, string checks);

        [LoggerMessage(2, LogLevel.Warning, "Not ready: {Reasons}")]
        private static partial void NotReady(ILogger logger, string reasons);
    }

    private sealed class ActorSystemCheck(ActorSystem system) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(system.WhenTerminated.IsCompleted
                ? HealthCheckResult.Unhealthy("the actor system has terminated")
                : HealthCheckResult.Healthy("the actor system runs"));
    }

    private sealed class ClusterMemberCheck(ActorSystem system) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var self = Akka.Cluster.Cluster.Get(system).SelfMember;
            if (self.Status == Akka.Cluster.MemberStatus.Up)
            {
                return Task.FromResult(HealthCheckResult.Healthy($"member {self.Address} is up"));
            }

            // A node on its way out is not waiting for seed nodes: the hint would mislead whoever reads its shutdown log.
            var leaving = self.Status is Akka.Cluster.MemberStatus.Leaving or Akka.Cluster.MemberStatus.Exiting or Akka.Cluster.MemberStatus.Down;
            return Task.FromResult(HealthCheckResult.Unhealthy(
                $"member {self.Address} is {self.Status.ToString().ToLowerInvariant()}, not up{(leaving ? string.Empty : " (joining through the seed nodes?)")}"));
        }
    }

    private sealed class WarehouseCheck(IFraudStore store, KafkaSettings kafka) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                // One indexed round trip; which cluster's offset it reads does not matter (and needs no Kafka).
                await store.GetOffsetsAsync("health-check", kafka.GroupId, [new StoredPartition(kafka.TransactionsTopic, 0)], timeout.Token);
                return HealthCheckResult.Healthy($"{store.Provider} answers");
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"{store.Provider} does not answer: {e.Message}");
            }
        }
    }

    private sealed class PipelineCheck(PipelineStats stats) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(stats.State == PipelineState.Running
                ? HealthCheckResult.Healthy("the scoring pipeline runs")
                : HealthCheckResult.Unhealthy($"the scoring pipeline is {stats.State.ToString().ToLowerInvariant()}"));
    }
}
