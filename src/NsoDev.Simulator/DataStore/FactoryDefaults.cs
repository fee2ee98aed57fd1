using System.Xml.Linq;

namespace NsoDev.Simulator.DataStore;

/// <summary>
/// What NSO's installation keeps in <c>$NCS_DIR/var/ncs/cdb</c> and the stock ncs.conf's cdb/init-path loads
/// on a first start, as far as nso-sim needs it: the <c>default</c> authgroup, which maps the local users
/// <c>admin</c> and <c>oper</c> to the same name and password on the device (NSO-NOTES §11), and the cluster
/// authgroup <c>default</c>, whose default-map logs in to a remote node with the local user's own name and
/// password (same-user, same-pass; NSO-NOTES §16). nso-sim has no
/// such folder of its own, so it carries the data built in.
/// </summary>
internal static class FactoryDefaults
{
    private static readonly XNamespace Ncs = "http://tail-f.com/ns/ncs";

    /// <summary>The folder NCS_DIR names when NsoDev runs nso-sim: the one nso-sim's executable is in.</summary>
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "var", "ncs", "cdb");

    /// <summary>The init-path directory is nso-sim's own defaults folder, which does not exist on disk.</summary>
    public static bool StandsFor(string initPathDirectory) =>
        !System.IO.Directory.Exists(initPathDirectory)
        && string.Equals(Path.GetFullPath(initPathDirectory).TrimEnd('/'), Path.GetFullPath(Directory).TrimEnd('/'), StringComparison.Ordinal);

    public static XElement Config() => new(ConfigNamespaces.ConfigWrapper,
        new XElement(Ncs + "devices",
            new XElement(Ncs + "authgroups",
                new XElement(Ncs + "group",
                    new XElement(Ncs + "name", "default"),
                    UserMap("admin"),
                    UserMap("oper")))),
        new XElement(Ncs + "cluster",
            new XElement(Ncs + "authgroup",
                new XElement(Ncs + "name", "default"),
                new XElement(Ncs + "default-map",
                    new XElement(Ncs + "same-user"),
                    new XElement(Ncs + "same-pass")))));

    private static XElement UserMap(string user) => new(Ncs + "umap",
        new XElement(Ncs + "local-user", user),
        new XElement(Ncs + "remote-name", user),
        new XElement(Ncs + "remote-password", user));
}
