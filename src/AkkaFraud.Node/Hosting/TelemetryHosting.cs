using AkkaFraud.Cluster.Pipeline;
using AkkaFraud.Cluster.Rules;
using AkkaFraud.Streams.Kafka;
using OpenTelemetry.Metrics;

namespace AkkaFraud.Node.Hosting;

/// <summary>Prometheus <c>/metrics</c>: the pipeline's, the Kafka connector's and the rule book's meters, ASP.NET Core's, and the runtime's.</summary>
internal static class TelemetryHosting
{
    public static IServiceCollection AddFraudTelemetry(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(
                PipelineMetrics.MeterName,
                KafkaMetrics.MeterName,
                RuleBookMetrics.MeterName,
                "Microsoft.AspNetCore.Hosting",
                "Microsoft.AspNetCore.Server.Kestrel",
                "Microsoft.AspNetCore.Http.Connections",
                "Microsoft.AspNetCore.Routing",
                "System.Runtime")
            .AddPrometheusExporter());
        return services;
    }

    public static IEndpointRouteBuilder MapFraudMetrics(this IEndpointRouteBuilder app)
    {
        // Operational counters only, no customer data: scrapers need no key.
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        return app;
    }
}
