using System.IO.Compression;
using System.Xml.Linq;

namespace NsoDev.Packaging.Tests;

/// <summary>What each package carries, read from the packed .nupkg files.</summary>
[Collection(nameof(LocalPackageFeed))]
public sealed class PackageContentsTests(LocalPackageFeed feed)
{
    public static TheoryData<string> Packages => [.. LocalPackageFeed.PackageIds];

    [Theory]
    [MemberData(nameof(Packages))]
    public void Each_package_has_its_readme_licence_docs_description_tags_and_symbols_and_depends_on_no_unpacked_project(string id)
    {
        using var package = ZipFile.OpenRead(Path.Combine(feed.Feed, $"{id}.{feed.Version}.nupkg"));
        var nuspec = Nuspec(package, id);
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;

        Assert.Equal(feed.Version, metadata.Element(ns + "version")?.Value);
        Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
        Assert.NotNull(package.GetEntry("README.md"));
        Assert.NotNull(package.GetEntry($"lib/net10.0/{id}.dll"));
        Assert.NotNull(package.GetEntry($"lib/net10.0/{id}.xml"));
        Assert.Contains("NSO", metadata.Element(ns + "description")?.Value ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains("nso", (metadata.Element(ns + "tags")?.Value ?? string.Empty).Split(' '));
        Assert.True(File.Exists(Path.Combine(feed.Feed, $"{id}.{feed.Version}.snupkg")), $"{id} has no symbol package.");

        var dependencies = metadata.Descendants(ns + "dependency").Select(d => (Id: d.Attribute("id")!.Value, Version: d.Attribute("version")!.Value)).ToList();
        var own = dependencies.Where(d => d.Id.StartsWith("NsoDev.", StringComparison.Ordinal)).ToList();
        Assert.All(own, d => Assert.Contains(d.Id, LocalPackageFeed.PackageIds));
        Assert.All(own, d => Assert.Equal(feed.Version, d.Version));
    }

    [Fact]
    public void The_hosting_package_carries_nso_sim_and_the_instance_templates_and_the_targets_that_copy_them()
    {
        using var package = ZipFile.OpenRead(Path.Combine(feed.Feed, $"NsoDev.Hosting.{feed.Version}.nupkg"));
        var entries = package.Entries.Select(e => e.FullName).ToHashSet();

        Assert.Contains("buildTransitive/NsoDev.Hosting.targets", entries);
        Assert.Contains("tools/instance-templates/default/6.5/ncs.conf", entries);
        Assert.Contains("tools/instance-templates/local-ipc/6.5/ncs.conf", entries);
        foreach (var file in (string[])["nso-sim", "nso-sim.dll", "nso-sim.runtimeconfig.json", "nso-sim.deps.json", "NsoDev.Simulator.Ssh.dll", "Renci.SshNet.dll", "BouncyCastle.Cryptography.dll"])
        {
            Assert.Contains($"tools/nso-sim/{file}", entries);
        }

        // The native build is packed exactly when this build compiled one.
        var nativeBuilt = File.Exists(Path.Combine(RepositoryRoot.Path, "src", "NsoDev.Hosting", "bin", Configuration(), "net10.0", "native", "nso-sim"));
        Assert.Equal(nativeBuilt, entries.Contains("tools/nso-sim/native/nso-sim"));

        // The simulator is files in the package, never a dependency: its projects are not packages.
        var dependencies = Nuspec(package, "NsoDev.Hosting").Descendants().Where(e => e.Name.LocalName == "dependency").Select(d => d.Attribute("id")!.Value).ToList();
        Assert.Contains("NsoDev.Ipc", dependencies);
        Assert.DoesNotContain(dependencies, d => d.StartsWith("NsoDev.Simulator", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.Contains("nso-sim", StringComparison.Ordinal));
    }

    private static XDocument Nuspec(ZipArchive package, string id)
    {
        using var stream = (package.GetEntry($"{id}.nuspec") ?? throw new InvalidOperationException($"{id}.nupkg has no {id}.nuspec.")).Open();
        return XDocument.Load(stream);
    }

    private static string Configuration() =>
        typeof(PackageContentsTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;
}
