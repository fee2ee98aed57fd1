using System.Globalization;
using System.Reflection;

namespace NsoDev.Packaging.Tests;

/// <summary>
/// The NsoDev packages of this build, packed once into a folder outside the repository with a version of
/// their own (so that the global NuGet cache never serves a copy from an earlier run), and a NuGet.config
/// beside it that takes NsoDev.* from that folder and everything else from nuget.org. Disposing it deletes
/// the folder and this version from the global packages folder.
/// </summary>
public sealed class LocalPackageFeed : IAsyncLifetime
{
    public static readonly string[] PackageIds = ["NsoDev.Ipc", "NsoDev.Client", "NsoDev.Hosting", "NsoDev.Testing"];

    /// <summary>The temporary folder: the feed, NuGet.config and the users' projects.</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"nsodev-packaging-{Guid.NewGuid():N}");

    public string Feed => Path.Combine(Root, "feed");

    public string Version { get; } = $"0.1.0-test.{DateTime.UtcNow.Ticks.ToString(CultureInfo.InvariantCulture)}";

    public async ValueTask InitializeAsync()
    {
        if (Root.StartsWith(RepositoryRoot.Path, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The temporary folder {Root} is inside the repository {RepositoryRoot.Path}: set TMPDIR to a folder outside it.");
        }

        Directory.CreateDirectory(Feed);
        var configuration = typeof(LocalPackageFeed).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;

        // dotnet pack at the root, as a release would run it, from the build these tests were built with (the
        // nuspec files, one set per run, go to the temporary folder rather than obj/).
        await DotnetCli.RunAsync(RepositoryRoot.Path, ["pack", "NsoDev.sln", "--no-build", "-c", configuration, "-o", Feed, $"-p:Version={Version}", $"-p:NuspecOutputPath={Path.Combine(Root, "nuspec")}/"], TestContext.Current.CancellationToken);
        File.WriteAllText(Path.Combine(Root, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="nsodev-local" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="nsodev-local"><package pattern="NsoDev.*" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
    }

    /// <summary>The folder of a new project under <see cref="Root"/>, where the feed's NuGet.config applies.</summary>
    public string NewProjectDirectory(string name) => Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    public ValueTask DisposeAsync()
    {
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in PackageIds)
        {
            var folder = Path.Combine(globalPackages, id.ToLowerInvariant());
            DeleteQuietly(Path.Combine(folder, Version));
            if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
            {
                DeleteQuietly(folder);
            }
        }

        DeleteQuietly(Root);
        return ValueTask.CompletedTask;
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Temporary; a file a late process still wrote must not fail the tests.
        }
    }
}

/// <summary>The two tests share one feed, and run one after the other: each restores, builds and runs a project.</summary>
[CollectionDefinition(nameof(LocalPackageFeed))]
public sealed class SharedLocalPackageFeed : ICollectionFixture<LocalPackageFeed>;
