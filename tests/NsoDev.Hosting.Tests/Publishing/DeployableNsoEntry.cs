using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace NsoDev.Hosting.Tests.Publishing;

/// <summary>A file an entry's container gets: where, what, and with which mode.</summary>
internal sealed record DeliveredFile(string Path, string Contents, UnixFileMode Mode);

/// <summary>
/// What a published NSO entry must hold to start as declared in Cisco's image, beyond what the
/// manifest schema checks: an image, an ncs.conf in /nso/etc whose IPC listens on 0.0.0.0 with the
/// access check on and whose listeners are exactly the entry's bindings, and the IPC secret as a file of
/// mode 0400 whose contents come from a secret parameter, never from a literal or the environment.
/// Written from the containerized-NSO page (docs/NSO-NOTES.md §6), not from the code under test.
/// </summary>
internal static class DeployableNsoEntry
{
    private const string ConfigDirectory = "/nso/etc";

    /// <summary>Every problem that would keep the entry from deploying; empty when it deploys.</summary>
    /// <param name="name">The entry's name in the manifest.</param>
    /// <param name="resources">The manifest's resources, for the parameters the entry refers to.</param>
    /// <param name="files">What the container gets as files.</param>
    /// <param name="parameterValues">The value given to each parameter at deployment.</param>
    public static IReadOnlyList<string> Problems(string name, JsonObject resources, IReadOnlyList<DeliveredFile> files, IReadOnlyDictionary<string, string> parameterValues)
    {
        var problems = new List<string>();
        if (resources[name] is not JsonObject entry)
        {
            return [$"{name}: no such entry"];
        }

        if (entry["type"]?.GetValue<string>() is not ("container.v0" or "container.v1"))
        {
            problems.Add($"{name}: not a container entry");
        }

        if (entry["image"]?.GetValue<string>() is not { Length: > 0 })
        {
            problems.Add($"{name}: no image");
        }

        var bindings = entry["bindings"] as JsonObject ?? [];
        // NETCONF, the CLI and the web UI may be turned off; then ncs.conf must have them off too (below).
        if (bindings["ipc"] is null)
        {
            problems.Add($"{name}: no ipc binding");
        }

        var conf = files.FirstOrDefault(f => f.Path == $"{ConfigDirectory}/ncs.conf");
        if (conf is null)
        {
            problems.Add($"{name}: no ncs.conf in {ConfigDirectory}");
            return problems;
        }

        var root = XDocument.Parse(conf.Contents).Root!;
        CheckListener(problems, name, root, "IPC", ["ncs-ipc-address"], bindings["ipc"], alwaysEnabled: true);
        CheckListener(problems, name, root, "NETCONF", ["netconf-north-bound", "transport", "ssh"], bindings["netconf"]);
        CheckListener(problems, name, root, "CLI", ["cli", "ssh"], bindings["cli"]);
        CheckListener(problems, name, root, "web UI", ["webui", "transport", "tcp"], bindings["webui"]);
        if (bindings["webui"] is not null && Leaf(root, "webui", "enabled") != "true")
        {
            problems.Add($"{name}: a webui binding, but the web UI is off in ncs.conf");
        }

        if (Leaf(root, "ncs-ipc-access-check", "enabled") != "true")
        {
            problems.Add($"{name}: IPC on 0.0.0.0 without the access check");
            return problems;
        }

        var accessFile = Leaf(root, "ncs-ipc-access-check", "filename");
        var secret = files.FirstOrDefault(f => f.Path == accessFile);
        if (secret is null)
        {
            problems.Add($"{name}: no file at the access check's filename '{accessFile}'");
            return problems;
        }

        if (secret.Mode != UnixFileMode.UserRead)
        {
            problems.Add($"{name}: the secret file has mode {secret.Mode}, not 0400");
        }

        var source = parameterValues.Where(p => p.Value == secret.Contents).Select(p => p.Key).FirstOrDefault();
        if (source is null || resources[source]?["inputs"]?["value"] is not JsonObject input || input["secret"]?.GetValue<bool>() != true)
        {
            problems.Add($"{name}: the secret file's contents come from no secret parameter");
        }
        else
        {
            if (input["default"] is not null)
            {
                problems.Add($"{name}: the secret parameter '{source}' has a default value");
            }

            foreach (var (key, value) in entry["env"] as JsonObject ?? [])
            {
                if (value?.GetValue<string>() is { } text && (text.Contains($"{{{source}.", StringComparison.Ordinal) || text.Contains(secret.Contents, StringComparison.Ordinal)))
                {
                    problems.Add($"{name}: the secret reaches the environment as {key}");
                }
            }
        }

        if (resources.ToJsonString().Contains(secret.Contents, StringComparison.Ordinal))
        {
            problems.Add($"{name}: the secret's value is in the manifest");
        }

        return problems;
    }

    private static void CheckListener(List<string> problems, string name, XElement root, string what, string[] path, JsonNode? binding, bool alwaysEnabled = false)
    {
        var enabled = alwaysEnabled || Leaf(root, [.. path, "enabled"]) == "true";
        if (binding is null)
        {
            if (enabled && !alwaysEnabled)
            {
                problems.Add($"{name}: {what} is on in ncs.conf but has no binding");
            }

            return;
        }

        if (!enabled)
        {
            problems.Add($"{name}: a binding for {what}, but {what} is off in ncs.conf");
            return;
        }

        if (Leaf(root, [.. path, "ip"]) != "0.0.0.0")
        {
            problems.Add($"{name}: {what} listens on '{Leaf(root, [.. path, "ip"])}', which other containers cannot reach; it must be 0.0.0.0");
        }

        var port = Leaf(root, [.. path, "port"]);
        var targetPort = binding["targetPort"]?.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (port != targetPort)
        {
            problems.Add($"{name}: {what} listens on port {port} but its binding targets {targetPort}");
        }
    }

    private static string? Leaf(XElement root, params string[] path)
    {
        XElement? current = root;
        foreach (var step in path)
        {
            current = current?.Elements().FirstOrDefault(e => e.Name.LocalName == step);
        }

        return current?.Value.Trim();
    }
}
