namespace Simulator.Core.Results;

/// <summary>The pinned chart library (Chart.js, from report-assets), embedded at build time when npm was there.</summary>
internal static class ChartLibrary
{
    private const string Resource = "chart.umd.js";

    public static bool Available => typeof(ChartLibrary).Assembly.GetManifestResourceInfo(Resource) is not null;

    /// <summary>The library's source, safe to inline in a script element; null when it was not embedded.</summary>
    public static string? Script()
    {
        using var stream = typeof(ChartLibrary).Assembly.GetManifestResourceStream(Resource);
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);

        // "</script" inside the library would end the inline script element early.
        return reader.ReadToEnd().Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
    }
}
