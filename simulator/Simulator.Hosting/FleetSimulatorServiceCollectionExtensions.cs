using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Simulator.Core.Scenarios;

namespace Simulator.Hosting;

/// <summary>Adds a fleet run to a Microsoft.Extensions.Hosting host.</summary>
public static class FleetSimulatorServiceCollectionExtensions
{
    /// <summary>
    /// Runs the profile at <paramref name="profilePath"/> (with <paramref name="scenario"/> in place
    /// of its device.scenario, when given) as a hosted service when the host starts. The host's
    /// stop (Ctrl+C, SIGTERM) stops the run gracefully; <see cref="FleetRunCompletion"/>, from the
    /// container, gives its summary.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="profilePath">The load profile (JSON) to run.</param>
    /// <param name="scenario">A scenario written as code; null runs the profile's own.</param>
    /// <param name="options">Where results and console lines go; null: "results" and none.</param>
    /// <param name="stopHostWhenDone">Stop the host when the run ends (a host that exists to run the fleet); false leaves it running.</param>
    public static IServiceCollection AddFleetSimulator(this IServiceCollection services, string profilePath, ScenarioDefinition? scenario = null, FleetRunnerOptions? options = null, bool stopHostWhenDone = true)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(profilePath);
        var completion = new FleetRunCompletion();
        services.AddSingleton(completion);
        services.AddHostedService(sp => new FleetSimulatorService(profilePath, scenario, options ?? new FleetRunnerOptions(), stopHostWhenDone, completion, sp.GetRequiredService<IHostApplicationLifetime>()));
        return services;
    }
}
