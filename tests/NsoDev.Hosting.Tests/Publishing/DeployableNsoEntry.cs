using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace NsoDev.Hosting.Tests.Publishing;

/// <summary>
/// What a published NSO entry must hold to start as declared in Cisco's image, beyond what the manifest
/// schema checks, as a deployment reading the manifest would build and mount it (<see cref="PublishedContainer"/>):
/// Cisco's image; an ncs.conf where the image's start script looks for one, whose IPC listens on 0.0.0.0
/// with the access check on and whose listeners are exactly the entry's bindings; and, once the image's
/// pre-start scripts ran, the access check's file, mode 0400, holding a secret that arrived through a
/// private bind mount: never in the image, the environment or the manifest. Written from the
/// containerized-NSO page (docs/NSO-NOTES.md §6), not from the code under test.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class DeployableNsoEntry
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Every problem that would keep the entry from deploying; empty when it deploys.</summary>
    /// <param name="name">The entry's name in the manifest.</param>
    /// <param name="manifestDirectory">Where the manifest is, which its relative paths start from.</param>
    /// <param name="resources">The manifest's resources.</param>
    /// <param name="cancellationToken">Stops the pre-start scripts.</param>
    public static async Task<IReadOnlyList<string>> ProblemsAsync(string name, string manifestDirectory, JsonObject resources, CancellationToken cancellationToken)
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

        var container = PublishedContainer.Read(manifestDirectory, entry);
        if (container.Image is not { Length: > 0 } image)
        {
            problems.Add($"{name}: no image");
        }
        else if (!image.StartsWith("cisco-nso-prod:", StringComparison.Ordinal))
        {
            problems.Add($"{name}: the image '{image}' is not Cisco's production image");
        }

        var bindings = entry["bindings"] as JsonObject ?? [];
        // NETCONF, the CLI and the web UI may be turned off; then ncs.conf must have them off too (below).
        if (bindings["ipc"] is null)
        {
            problems.Add($"{name}: no ipc binding");
        }

        var (files, failures) = await container.AfterPreStartAsync(cancellationToken);
        problems.AddRange(failures.Select(f => $"{name}: the pre-start script {f}"));

        // The image's start script prefers /etc/ncs/ncs.conf, then /nso/etc/ncs.conf.
        var conf = files.FirstOrDefault(f => f.Path == "/etc/ncs/ncs.conf") ?? files.FirstOrDefault(f => f.Path == "/nso/etc/ncs.conf");
        if (conf is null)
        {
            problems.Add($"{name}: no ncs.conf in /etc/ncs or /nso/etc");
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
        if (secret is null || secret.Contents.Length == 0)
        {
            problems.Add($"{name}: no file at the access check's filename '{accessFile}' when NSO starts");
            return problems;
        }

        if (secret.Mode != UnixFileMode.UserRead)
        {
            problems.Add($"{name}: the secret file has mode {secret.Mode}, not 0400");
        }

        var mounted = container.MountedFiles.Where(m => m.File.Contents == secret.Contents).ToList();
        if (mounted.Count == 0)
        {
            problems.Add($"{name}: the secret does not arrive through a bind mount");
        }
        else if (mounted.Any(m => (File.GetUnixFileMode(m.HostPath) & GroupOrOther) != 0 || (File.GetUnixFileMode(Path.GetDirectoryName(m.HostPath)!) & GroupOrOther) != 0))
        {
            problems.Add($"{name}: the secret file beside the manifest is readable by others");
        }

        if (container.ImageFiles.Any(f => f.Contents.Contains(secret.Contents, StringComparison.Ordinal)) || container.DockerfileText.Contains(secret.Contents, StringComparison.Ordinal))
        {
            problems.Add($"{name}: the secret is baked into the image");
        }

        foreach (var (key, value) in entry["env"] as JsonObject ?? [])
        {
            if (value?.GetValue<string>() is { } text && text.Contains(secret.Contents, StringComparison.Ordinal))
            {
                problems.Add($"{name}: the secret reaches the environment as {key}");
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
