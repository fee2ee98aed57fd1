using NsoDev.Simulator.Ipc;
using static NsoDev.Simulator.Configuration.NcsConfType;

namespace NsoDev.Simulator.Configuration;

/// <summary>
/// The elements of ncs.conf that nso-sim knows (NSO-FACTS section 1, and every element of
/// <c>instance-templates/default/ncs.conf</c>). Anything else is an unknown element and the
/// daemon exits 21, as NSO does.
/// <list type="bullet">
/// <item><c>Container</c>: only the children listed are allowed.</item>
/// <item><c>Open</c>: a container NSO accepts in full that nso-sim does not interpret; unlisted
/// children are accepted with their whole subtree, listed ones are still type-checked.</item>
/// <item><c>Leaf</c> / <c>LeafList</c> / <c>List</c>: <c>Many</c> ones may repeat, and a fragment in
/// <c>ncs.conf.d</c> adds to them instead of replacing them.</item>
/// </list>
/// When NSO accepts an element this table lacks, add one line here.
/// </summary>
internal static class NcsConfSchema
{
    /// <summary>NSO-FACTS section 1: 6.2 and older have no <c>ncs-local-ipc</c>.</summary>
    public static NsoVersion LocalIpcSince { get; } = NsoVersion.Parse("6.3");

    public static NcsConfNode Root { get; } = Container(
        "ncs-config",
        Container("ncs-ipc-address", Leaf("ip", IpAddress), Leaf("port", Port)),
        LeafList("ncs-ipc-extra-listen-ip", IpAddress),
        Container("ncs-local-ipc", Leaf("enabled", Bool), Leaf("path", Text)) with { Since = LocalIpcSince },
        Container("ncs-ipc-access-check", Leaf("enabled", Bool), Leaf("filename", Text)),
        Container("load-path", LeafList("dir", Text)),
        Leaf("state-dir", Text),
        Open("cdb", Leaf("enabled", Bool), Leaf("db-dir", Text), Container("init-path", LeafList("dir", Text))),
        Open("scripts", LeafList("dir", Text)),
        Open(
            "logs",
            Log("ncs-log"),
            Log("developer-log"),
            Leaf("developer-log-level", Text),
            Log("audit-log"),
            Log("netconf-log")),
        Open("aaa", Leaf("ssh-server-key-dir", Text)),
        Open("rollback", Leaf("enabled", Bool), Leaf("directory", Text)),
        Open("cli", Leaf("enabled", Bool), Transport("ssh", Leaf("use-keyboard-interactive", Bool))),
        Open("netconf-north-bound", Leaf("enabled", Bool), Container("transport", Transport("ssh"), Transport("tcp"))),
        Open("netconf-call-home", Leaf("enabled", Bool), Open("transport", Open("tcp", Leaf("ip", IpAddress), Leaf("port", Port)))),
        Open(
            "webui",
            Leaf("enabled", Bool),
            Open("transport", Transport("tcp"), Open("ssl", Leaf("enabled", Bool), Leaf("ip", IpAddress), Leaf("port", Port), ListenList("extra-listen")))),
        Open("ha", Leaf("enabled", Bool), Leaf("ip", IpAddress), Leaf("port", Port), ListenList("extra-listen")),
        Open(
            "ha-raft",
            Leaf("enabled", Bool),
            Leaf("cluster-name", Text),
            Container("listen", Leaf("node-address", Text), Leaf("port", Port)),
            Container("seed-nodes", LeafList("seed-node", Text)),
            Open("ssl", Leaf("enabled", Bool))),

        // Accepted whole, not interpreted.
        Open("notifications"),
        Open("opcache"),
        Open("hide-group") with { Many = true },
        Open("encrypted-strings"),
        Open("crypt-hash"),
        Open("ssh"),
        Open("restconf"),
        Open("snmp-agent"),
        Open("japi"),
        Open("python-vm"),
        Open("smart-license"),
        Open("session-limits"),
        Open("parser-limits"),
        Open("datastores"),
        Open("large-scale"),
        Open("southbound-source-address"),
        Open("transaction-lock-time-violation-alarm"),
        Leaf("enable-compressed-schema", Bool),
        Leaf("compressed-schema-level", Text),
        Leaf("enable-shared-memory-schema", Bool),
        Leaf("shared-memory-schema-path", Text),
        Leaf("commit-retry-timeout", Text),
        Leaf("max-validation-errors", Text),
        Leaf("sort-transactions", Bool),
        Leaf("enable-attributes", Bool),
        Leaf("enable-inactive", Bool),
        Leaf("disable-schema-uri-for-agents", Text));

    /// <summary>A log under <c>logs/</c>: <c>enabled</c>, <c>file/{name,enabled}</c>, <c>syslog</c>, <c>stdout</c>.</summary>
    private static NcsConfNode Log(string name) =>
        Open(
            name,
            Leaf("enabled", Bool),
            Open("file", Leaf("name", Text), Leaf("enabled", Bool)),
            Open("syslog", Leaf("enabled", Bool)),
            Open("stdout", Leaf("enabled", Bool)));

    /// <summary>A northbound transport: <c>enabled</c>, <c>ip</c>, <c>port</c>, <c>extra-listen</c>.</summary>
    private static NcsConfNode Transport(string name, params NcsConfNode[] more) =>
        Container(
            name,
            [
                Leaf("enabled", Bool),
                Leaf("ip", IpAddress),
                Leaf("port", Port),
                ListenList("extra-listen"),
                ListenList("ha-primary-listen"),
                .. more,
            ]);

    private static NcsConfNode ListenList(string name) =>
        Container(name, Leaf("ip", IpAddress), Leaf("port", Port)) with { Many = true };

    private static NcsConfNode Container(string name, params NcsConfNode[] children) =>
        new(name, NcsConfType.Container, Many: false, Open: false, Since: null, children);

    private static NcsConfNode Open(string name, params NcsConfNode[] children) =>
        new(name, NcsConfType.Container, Many: false, Open: true, Since: null, children);

    private static NcsConfNode Leaf(string name, NcsConfType type) =>
        new(name, type, Many: false, Open: false, Since: null, []);

    private static NcsConfNode LeafList(string name, NcsConfType type) =>
        Leaf(name, type) with { Many = true };
}
