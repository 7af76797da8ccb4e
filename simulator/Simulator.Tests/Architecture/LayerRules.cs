using System.Reflection;
using NetArchTest.Rules;

namespace Simulator.Tests.Architecture;

/// <summary>
/// The dependency rules the code keeps, read from the compiled IL with NetArchTest: namespaces in
/// layers, each allowed to use its own layer and those below; no cycle between namespaces.
/// Dependencies are named by exact type, so a namespace never stands in for its children.
/// </summary>
public static class LayerRules
{
    /// <summary>Every "type -> namespace above it" a layer's types have, as readable lines.</summary>
    public static List<string> UpwardDependencies(IReadOnlyList<Assembly> assemblies, IReadOnlyList<string[]> layers)
    {
        var problems = new List<string>();
        for (var i = 0; i < layers.Count; i++)
        {
            var above = layers.Skip(i + 1).SelectMany(l => l).ToArray();
            foreach (var ns in layers[i])
            {
                foreach (var target in above)
                {
                    foreach (var type in DependentTypes(assemblies, ns, target))
                    {
                        problems.Add($"{type} (layer {i}) uses {target} (layer {Index(layers, target)})");
                    }
                }
            }
        }

        return problems;
    }

    /// <summary>Groups of namespaces that reach each other (strongly connected, more than one), each as "a -> b -> … -> a" with the types on each edge.</summary>
    public static List<string> Cycles(IReadOnlyList<Assembly> assemblies, IReadOnlyList<string> namespaces)
    {
        var edges = namespaces.ToDictionary(n => n, _ => new Dictionary<string, string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var from in namespaces)
        {
            foreach (var to in namespaces.Where(n => n != from))
            {
                if (DependentTypes(assemblies, from, to).FirstOrDefault() is { } type)
                {
                    edges[from][to] = type;
                }
            }
        }

        return [.. StronglyConnected(namespaces, edges).Where(c => c.Count > 1).Select(c => string.Join("; ", c.SelectMany(a => edges[a].Where(e => c.Contains(e.Key)).Select(e => $"{a} -> {e.Key} ({e.Value})"))))];
    }

    /// <summary>Namespaces that hold types, exactly as written (children apart from parents).</summary>
    public static List<string> Namespaces(IEnumerable<Assembly> assemblies, string prefix) =>
        [.. assemblies.SelectMany(a => a.GetTypes()).Select(t => t.Namespace).OfType<string>().Where(n => n == prefix || n.StartsWith(prefix + ".", StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>Types in exactly namespace <paramref name="ns"/> that use a type declared in exactly namespace <paramref name="target"/>.</summary>
    public static IEnumerable<string> DependentTypes(IReadOnlyList<Assembly> assemblies, string ns, string target)
    {
        var targets = assemblies.SelectMany(a => a.GetTypes()).Where(t => t.Namespace == target && !t.IsNested).Select(t => t.FullName!).ToArray();
        if (targets.Length == 0)
        {
            return [];
        }

        var result = Loaded(assemblies).That().ResideInNamespaceMatching($"^{System.Text.RegularExpressions.Regex.Escape(ns)}$").Should().NotHaveDependencyOnAny(targets).GetResult();
        return result.IsSuccessful ? [] : result.FailingTypeNames ?? [];
    }

    /// <summary>
    /// The assemblies as NetArchTest reads them (Mono.Cecil, from disk), read once per set: reading
    /// them again for every pair of namespaces was most of these tests' time.
    /// </summary>
    private static Types Loaded(IReadOnlyList<Assembly> assemblies) =>
        ReadOnce.GetOrAdd(string.Join('|', assemblies.Select(a => a.FullName)), _ => Types.InAssemblies(assemblies));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Types> ReadOnce = new(StringComparer.Ordinal);

    private static int Index(IReadOnlyList<string[]> layers, string ns)
    {
        for (var i = 0; i < layers.Count; i++)
        {
            if (layers[i].Contains(ns))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Tarjan's strongly connected components.</summary>
    private static List<List<string>> StronglyConnected(IReadOnlyList<string> nodes, Dictionary<string, Dictionary<string, string>> edges)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<List<string>>();
        var next = 0;
        void Visit(string v)
        {
            index[v] = low[v] = next++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in edges[v].Keys)
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], index[w]);
                }
            }

            if (low[v] == index[v])
            {
                var component = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component.Add(w);
                }
                while (w != v);
                result.Add(component);
            }
        }

        foreach (var n in nodes.Where(n => !index.ContainsKey(n)))
        {
            Visit(n);
        }

        return result;
    }
}
