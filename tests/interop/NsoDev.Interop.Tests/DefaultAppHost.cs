using System.Reflection;

namespace NsoDev.Interop.Tests;

/// <summary>
/// The default AppHost as <c>dotnet run --project AppHost --no-launch-profile</c> runs it: the built
/// AppHost.dll with its project directory as the working directory (so that its appsettings.json
/// applies), in a temporary run root of its own.
/// </summary>
internal static class DefaultAppHost
{
    public static string AppHostAssembly => Metadata("NsoDev.AppHostAssembly");

    public static string ProjectDirectory => Metadata("NsoDev.AppHostProjectDirectory");

    /// <summary>The AppHost with <paramref name="count"/> instances and <paramref name="devices"/> netsim devices each (none unless asked: the tests of instances count processes).</summary>
    public static AppHostProcess Start(int count, string logPath, int devices = 0) =>
        AppHostProcess.Start(AppHostAssembly, Directory.CreateTempSubdirectory("nsodev-interop-").FullName, [$"--Nso:Count={count}", $"--Nso:Devices={devices}"], ProjectDirectory, logPath, ownsRunRoot: true);

    private static string Metadata(string key) =>
        typeof(DefaultAppHost).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
