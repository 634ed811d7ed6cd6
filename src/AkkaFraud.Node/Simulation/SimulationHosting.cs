using AkkaFraud.Node.Hosting;

namespace AkkaFraud.Node.Simulation;

/// <summary>The simulator's wiring: on when the settings say so (embedded mode by default).</summary>
internal static class SimulationHosting
{
    public static IServiceCollection AddSimulatedTraffic(this IServiceCollection services, NodeSettings settings)
    {
        if (settings.Simulator.Enabled)
        {
            services.AddSingleton<SimulatedTraffic>();
            services.AddHostedService(sp => sp.GetRequiredService<SimulatedTraffic>());
        }

        return services;
    }
}
