using Aspire.Hosting;

namespace NsoDev.Hosting.Publishing;

/// <summary>The folder publishing writes into: the manifest's folder, or the folder <c>aspire publish</c> was given.</summary>
internal static class PublishOutput
{
    /// <summary>The configuration key Aspire binds <c>--output-path</c> to.</summary>
    public const string OutputPathKey = "Pipeline:OutputPath";

    /// <summary>Aspire's own default when no output path is given.</summary>
    public const string DefaultDirectoryName = "aspire-output";

    public static string For(IDistributedApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var path = app.Configuration[OutputPathKey];
        if (string.IsNullOrWhiteSpace(path))
        {
            return Path.Combine(app.AppHostDirectory, DefaultDirectoryName);
        }

        // As Aspire resolves it: from the working directory.
        var full = Path.GetFullPath(path);
        return full.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? Path.GetDirectoryName(full)! : full;
    }
}
