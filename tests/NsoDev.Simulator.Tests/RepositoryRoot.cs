namespace NsoDev.Simulator.Tests;

/// <summary>The checkout this test runs from: the first directory up from the binaries that holds NsoDev.sln or Directory.Build.props.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "NsoDev.sln"))
                || File.Exists(System.IO.Path.Combine(directory.FullName, "Directory.Build.props")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No NsoDev.sln or Directory.Build.props above {AppContext.BaseDirectory}.");
    }
}
