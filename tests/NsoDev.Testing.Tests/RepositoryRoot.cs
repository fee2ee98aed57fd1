using System.Reflection;

namespace NsoDev.Testing.Tests;

/// <summary>
/// The checkout this test was built from: the first directory up from the binaries that holds
/// NsoDev.sln, else the one recorded at build time (for binaries under an artifacts path).
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
            : throw new DirectoryNotFoundException($"No NsoDev.sln above {AppContext.BaseDirectory} or at {recorded}.");
    }

    private static bool IsRoot(string directory) => File.Exists(System.IO.Path.Combine(directory, "NsoDev.sln"));
}
