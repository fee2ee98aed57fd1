using System.Text.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Json.Schema;

namespace NsoDev.Hosting.Tests.Publishing;

/// <summary>
/// An app host declared in a test and published as `aspire publish --publisher manifest` does, by
/// Aspire's own manifest publisher; then what each container would get as files.
/// </summary>
internal sealed class PublishedApp : IDisposable
{
    private readonly string _directory;

    private PublishedApp(string directory, IDistributedApplicationBuilder builder)
    {
        _directory = directory;
        Builder = builder;
    }

    public IDistributedApplicationBuilder Builder { get; }

    public string ManifestPath => Path.Combine(_directory, "aspire-manifest.json");

    /// <summary>A publish-mode builder whose parameters have the given values, as a deployment would supply them.</summary>
    public static PublishedApp Create(IReadOnlyDictionary<string, string>? parameterValues = null)
    {
        var directory = Directory.CreateTempSubdirectory("nsodev-publish-").FullName;
        var builder = DistributedApplication.CreateBuilder(["--operation", "publish", "--publisher", "manifest", "--output-path", Path.Combine(directory, "aspire-manifest.json")]);
        foreach (var (name, value) in parameterValues ?? new Dictionary<string, string>())
        {
            builder.Configuration[$"Parameters:{name}"] = value;
        }

        return new PublishedApp(directory, builder);
    }

    /// <summary>Runs the publish operation; returns the manifest's resources and the files each container gets.</summary>
    public async Task<(JsonObject Resources, Dictionary<string, IReadOnlyList<DeliveredFile>> Files)> PublishAsync(CancellationToken cancellationToken)
    {
        using var app = Builder.Build();
        await app.RunAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        var resources = JsonNode.Parse(await File.ReadAllTextAsync(ManifestPath, cancellationToken))!["resources"]!.AsObject();

        var files = new Dictionary<string, IReadOnlyList<DeliveredFile>>();
        foreach (var container in Builder.Resources.OfType<ContainerResource>())
        {
            files[container.Name] = await FilesAsync(container, app.Services, cancellationToken);
        }

        return (resources, files);
    }

    /// <summary>The files Aspire's container runtimes and Docker Compose copy into the container, from its container-file callbacks.</summary>
    public static async Task<IReadOnlyList<DeliveredFile>> FilesAsync(ContainerResource container, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        var files = new List<DeliveredFile>();
        foreach (var annotation in container.Annotations.OfType<ContainerFileSystemCallbackAnnotation>())
        {
            var items = await annotation.Callback(new ContainerFileSystemCallbackContext { Model = container, Services = services }, cancellationToken);
            foreach (var item in items)
            {
                if (item is ContainerFile file)
                {
                    files.Add(new DeliveredFile($"{annotation.DestinationPath.TrimEnd('/')}/{file.Name}", file.Contents ?? string.Empty, file.Mode));
                }
            }
        }

        return files;
    }

    private static readonly Lazy<JsonSchema> Schema = new(LoadManifestSchema);

    /// <summary>Aspire's manifest schema, read once (its $id may be registered once) where the workplace keeps it: shared/reference beside the checkout, or above it.</summary>
    public static JsonSchema ManifestSchema() => Schema.Value;

    /// <summary>Every place where <paramref name="manifest"/> breaks the schema; empty when it is valid.</summary>
    public static IReadOnlyList<string> SchemaErrors(JsonSchema schema, JsonNode manifest)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(manifest);
        using var document = JsonDocument.Parse(manifest.ToJsonString());
        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return result.IsValid
            ? []
            : [.. (result.Details ?? []).Append(result).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}")).Distinct()];
    }

    private static JsonSchema LoadManifestSchema()
    {
        for (var directory = Directory.GetParent(RepositoryRoot.Path); directory is not null; directory = directory.Parent)
        {
            var path = Path.Combine(directory.FullName, "shared", "reference", "aspire-8.0.json");
            if (File.Exists(path))
            {
                return JsonSchema.FromText(File.ReadAllText(path));
            }
        }

        throw new FileNotFoundException($"Aspire's manifest schema (shared/reference/aspire-8.0.json) is in no directory above {RepositoryRoot.Path}.");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
