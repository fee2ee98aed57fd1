using System.Reflection;

namespace NsoDev.Tests;

/// <summary>
/// Shared by the test projects (linked, not referenced). The checkout this test runs from: the first directory up from the binaries that holds
/// NsoDev.sln or Directory.Build.props, else the one recorded at build time (for binaries built
/// with an artifacts path outside the checkout).
/// </summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (IsRoot(directory.FullName))
            {
                return directory.FullName;
            }
        }

        var recorded = typeof(RepositoryRoot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        return recorded is not null && IsRoot(recorded)
            ? recorded
            : throw new DirectoryNotFoundException($"No NsoDev.sln or Directory.Build.props above {AppContext.BaseDirectory} or at {recorded}.");
    }

    private static bool IsRoot(string directory) =>
        File.Exists(System.IO.Path.Combine(directory, "NsoDev.sln")) || File.Exists(System.IO.Path.Combine(directory, "Directory.Build.props"));
}
