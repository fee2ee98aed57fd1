using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;

namespace NsoDev.Hosting.Tests.Publishing;

/// <summary>A file a container gets: where, what, and with which mode.</summary>
internal sealed record DeliveredFile(string Path, string Contents, UnixFileMode Mode);

/// <summary>
/// What a deployment that reads a manifest entry gives its container: the image (the entry's <c>image</c>,
/// or its Dockerfile's FROM plus the files its COPY lines take from the build context), the files of its
/// read-only bind mounts, and the result of the image's pre-start scripts, which Cisco's start script runs
/// from <c>$NCS_CONFIG_DIR/pre-ncs-start.d/</c> before NSO (docs/NSO-NOTES.md §6). Paths in the entry are
/// relative to the manifest, as Aspire's schema says.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed partial class PublishedContainer
{
    private const string PreStartDirectory = "/etc/ncs/pre-ncs-start.d/";

    private PublishedContainer(string? image, string dockerfile, IReadOnlyList<DeliveredFile> imageFiles, IReadOnlyList<(DeliveredFile File, string HostPath)> mountedFiles)
    {
        Image = image;
        DockerfileText = dockerfile;
        ImageFiles = imageFiles;
        MountedFiles = mountedFiles;
    }

    public string? Image { get; }

    public string DockerfileText { get; }

    public IReadOnlyList<DeliveredFile> ImageFiles { get; }

    public IReadOnlyList<(DeliveredFile File, string HostPath)> MountedFiles { get; }

    public static PublishedContainer Read(string manifestDirectory, JsonObject entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var image = entry["image"]?.GetValue<string>();
        var dockerfile = string.Empty;
        var imageFiles = new List<DeliveredFile>();
        if (entry["build"] is JsonObject build)
        {
            var context = Path.Combine(manifestDirectory, build["context"]!.GetValue<string>());
            dockerfile = File.ReadAllText(Path.Combine(manifestDirectory, build["dockerfile"]!.GetValue<string>()));
            foreach (var line in dockerfile.Split('\n').Select(l => l.Trim()))
            {
                var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words is ["FROM", var from, ..])
                {
                    image = from;
                }
                else if (words is ["COPY", var source, var destination])
                {
                    imageFiles.AddRange(Copy(Path.Combine(context, source), destination));
                }
            }
        }

        var mounted = new List<(DeliveredFile, string)>();
        foreach (var mount in entry["bindMounts"]?.AsArray() ?? [])
        {
            var source = Path.Combine(manifestDirectory, mount!["source"]!.GetValue<string>());
            var target = mount["target"]!.GetValue<string>();
            var files = Directory.Exists(source) ? Directory.GetFiles(source, "*", SearchOption.AllDirectories) : File.Exists(source) ? [source] : [];
            foreach (var file in files)
            {
                var path = Directory.Exists(source) ? $"{target.TrimEnd('/')}/{Path.GetRelativePath(source, file)}" : target;
                mounted.Add((new DeliveredFile(path, File.ReadAllText(file), File.GetUnixFileMode(file)), file));
            }
        }

        return new PublishedContainer(image, dockerfile, imageFiles, mounted);
    }

    /// <summary>
    /// The container's files once the image's pre-start scripts have run, in a scratch directory that stands
    /// for the container's root; and any script that failed, with what it printed.
    /// </summary>
    public async Task<(IReadOnlyList<DeliveredFile> Files, IReadOnlyList<string> Failures)> AfterPreStartAsync(CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory("nsodev-container-").FullName;
        try
        {
            foreach (var file in ImageFiles.Concat(MountedFiles.Select(m => m.File)))
            {
                var path = root + file.Path;
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, file.Contents, cancellationToken);
                File.SetUnixFileMode(path, file.Mode | UnixFileMode.UserWrite);
            }

            foreach (var file in ImageFiles.Concat(MountedFiles.Select(m => m.File)))
            {
                File.SetUnixFileMode(root + file.Path, file.Mode);
            }

            Directory.CreateDirectory(Path.Combine(root, "nso", "etc"));
            var failures = new List<string>();
            foreach (var script in ImageFiles.Where(f => f.Path.StartsWith(PreStartDirectory, StringComparison.Ordinal)).OrderBy(f => f.Path, StringComparer.Ordinal))
            {
                // The script's absolute paths, moved under the scratch root.
                var text = ContainerPath().Replace(script.Contents, m => root + m.Value);
                var result = await Cli.Wrap("/bin/sh").WithArguments(["-c", text]).WithValidation(CommandResultValidation.None)
                    .ExecuteBufferedAsync(cancellationToken);
                if (result.ExitCode != 0)
                {
                    failures.Add($"{script.Path} exited {result.ExitCode}: {result.StandardError.Trim().Replace(root, string.Empty, StringComparison.Ordinal)}");
                }
            }

            var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories)
                .Select(f => new DeliveredFile(f[root.Length..], File.ReadAllText(f), File.GetUnixFileMode(f)))
                .ToList();
            return (files, failures);
        }
        finally
        {
            foreach (var file in Directory.GetFiles(root, "*", SearchOption.AllDirectories))
            {
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            Directory.Delete(root, recursive: true);
        }
    }

    private static IEnumerable<DeliveredFile> Copy(string source, string destination)
    {
        if (File.Exists(source))
        {
            var target = destination.EndsWith('/') ? destination + Path.GetFileName(source) : destination;
            yield return new DeliveredFile(target, File.ReadAllText(source), File.GetUnixFileMode(source));
            yield break;
        }

        foreach (var file in Directory.Exists(source) ? Directory.GetFiles(source, "*", SearchOption.AllDirectories) : [])
        {
            yield return new DeliveredFile($"{destination.TrimEnd('/')}/{Path.GetRelativePath(source, file)}", File.ReadAllText(file), File.GetUnixFileMode(file));
        }
    }

    [GeneratedRegex(@"(?<![\w/.$-])/(nso|run|etc/ncs|log)(?=/)")]
    private static partial Regex ContainerPath();
}
