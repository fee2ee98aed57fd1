namespace NsoDev.Hosting.Tests.Netsim;

/// <summary>NED package directories in a temporary folder: package-meta-data.xml with a NETCONF ned-id, and netsim/.</summary>
internal sealed class NedPackages : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("nsodev-neds-").FullName;

    public string Create(string name, bool withMetaData = true)
    {
        var directory = Path.Combine(Root, name);
        Directory.CreateDirectory(Path.Combine(directory, "netsim"));
        if (withMetaData)
        {
            File.WriteAllText(
                Path.Combine(directory, "package-meta-data.xml"),
                $"<ncs-package xmlns=\"http://tail-f.com/ns/ncs-packages\"><name>{name}</name><package-version>1.0</package-version><component><name>{name}</name><ned><netconf><ned-id xmlns:id=\"http://tail-f.com/ns/ned-id/{name}\">id:{name}</ned-id></netconf></ned></component></ncs-package>\n");
        }

        return directory;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
