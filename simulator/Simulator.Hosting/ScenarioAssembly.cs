using System.ComponentModel;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using Simulator.Core.Errors;
using Simulator.Core.Scenarios;

namespace Simulator.Hosting;

/// <summary>
/// Scenarios from a user's assembly (<c>run --scenarios PATH.dll</c>), or from a scenario project
/// (<c>--scenarios PATH.csproj</c> or its folder), which is built first in Release as
/// <c>dotnet build</c> builds it: every public static property or field of type
/// <see cref="ScenarioDefinition"/> on its public types, found by the scenario's name. The assembly
/// loads beside the simulator's own, so it shares this Simulator.Core; its own dependencies resolve
/// from its deps.json, as <c>dotnet</c> would resolve them.
/// </summary>
internal static class ScenarioAssembly
{
    /// <summary>The assembly <paramref name="path"/> names: itself, or a scenario project's, built now. Workers are given this path, so a project is built once.</summary>
    public static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            var projects = Directory.GetFiles(full, "*.csproj");
            return projects.Length == 1 ? Build(projects[0], path)
                : throw new InputException(projects.Length == 0 ? "is a folder without a .csproj: give the scenario project or its built assembly" : $"has {projects.Length} projects: name the one to build", path, field: "--scenarios");
        }

        return full.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase) && File.Exists(full) ? Build(full, path) : full;
    }

    public static IReadOnlyList<ScenarioDefinition> Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new InputException("no such file: give the scenario project's built assembly (bin/…/MyScenarios.dll)", path, field: "--scenarios");
        }

        Assembly assembly;
        try
        {
            var resolver = new AssemblyDependencyResolver(full);
            AssemblyLoadContext.Default.Resolving += (context, name) =>
                resolver.ResolveAssemblyToPath(name) is { } found ? context.LoadFromAssemblyPath(found) : null;
            assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(full);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or PlatformNotSupportedException)
        {
            throw new InputException($"cannot be loaded as a .NET assembly: {e.Message}", path, field: "--scenarios");
        }

        var found = new List<ScenarioDefinition>();
        Type[] types;
        try
        {
            types = assembly.GetExportedTypes();
        }
        catch (Exception e) when (e is ReflectionTypeLoadException or FileNotFoundException or FileLoadException)
        {
            throw new InputException($"its types cannot be loaded ({e.Message}); build it against this simulator's version of the library", path, field: "--scenarios");
        }

        foreach (var type in types)
        {
            const BindingFlags Static = BindingFlags.Public | BindingFlags.Static;
            foreach (var p in type.GetProperties(Static).Where(p => p.PropertyType == typeof(ScenarioDefinition) && p.GetIndexParameters().Length == 0))
            {
                found.Add(Get(() => p.GetValue(null), $"{type.FullName}.{p.Name}", path));
            }

            foreach (var f in type.GetFields(Static).Where(f => f.FieldType == typeof(ScenarioDefinition)))
            {
                found.Add(Get(() => f.GetValue(null), $"{type.FullName}.{f.Name}", path));
            }
        }

        return found.Count > 0
            ? found
            : throw new InputException("has no scenario: declare one as a public static property, e.g. public static ScenarioDefinition Mine { get; } = Scenario.Create(\"mine\", …)", path, field: "--scenarios");
    }

    /// <summary>Builds the project in Release (the SDK's <c>dotnet</c>, as when the CLI itself runs as a .NET tool) and returns its assembly's path.</summary>
    private static string Build(string project, string given)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet, ["build", project, "-c", "Release", "--nologo", "-v", "q", "-t:Build", "-getProperty:TargetPath"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(project)!,
        };
        string output;
        int exit;
        try
        {
            using var build = Process.Start(start) ?? throw new InputException("the .NET SDK's dotnet did not start", given, field: "--scenarios");
            var stderr = build.StandardError.ReadToEndAsync();
            output = build.StandardOutput.ReadToEnd() + stderr.GetAwaiter().GetResult();
            build.WaitForExit();
            exit = build.ExitCode;
        }
        catch (Win32Exception)
        {
            throw new InputException("building a scenario project needs the .NET SDK's dotnet on PATH; or give the project's built assembly (bin/…/MyScenarios.dll)", given, field: "--scenarios");
        }

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (exit != 0)
        {
            var errors = lines.Where(l => l.Contains(": error ", StringComparison.Ordinal)).Distinct().Take(5).ToList();
            throw new InputException($"the scenario project does not build:\n  {string.Join("\n  ", errors.Count > 0 ? errors : lines.TakeLast(5))}", given, field: "--scenarios");
        }

        return lines.LastOrDefault(l => l.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && File.Exists(l))
            ?? throw new InputException("was built, but its assembly was not found: is it a class library?", given, field: "--scenarios");
    }

    /// <summary>The scenario called <paramref name="name"/>, or the only one when no name is given.</summary>
    public static ScenarioDefinition Pick(IReadOnlyList<ScenarioDefinition> all, string? name, string path)
    {
        var names = string.Join(", ", all.Select(s => s.Name));
        if (name is null)
        {
            return all.Count == 1 ? all[0] : throw new InputException($"has {all.Count} scenarios ({names}): choose one with --scenario NAME", path, field: "--scenario");
        }

        var matches = all.Where(s => s.Name == name).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new InputException($"has no scenario named '{name}' (it has: {names})", path, field: "--scenario"),
            _ => throw new InputException($"has {matches.Count} scenarios named '{name}': names must be unique", path, field: "--scenario"),
        };
    }

    private static ScenarioDefinition Get(Func<object?> read, string member, string path)
    {
        try
        {
            return read() as ScenarioDefinition ?? throw new InputException($"{member} is null", path, field: "--scenarios");
        }
        catch (TargetInvocationException e)
        {
            throw new InputException($"{member} threw {e.InnerException?.GetType().Name}: {Secrets.Scrub(e.InnerException?.Message ?? string.Empty)}", path, field: "--scenarios");
        }
    }
}
