using System.Text.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Json.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NsoDev.Hosting.Tests.Publishing;

/// <summary>
/// An app host declared in a test and published as `aspire publish --publisher manifest` does, by
/// Aspire's own manifest publisher, into a folder of its own; then what each container would get.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
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
        return CreateIn(System.IO.Directory.CreateTempSubdirectory("nsodev-publish-").FullName, parameterValues);
    }

    /// <summary>A publish-mode builder that publishes into <paramref name="directory"/>, as a second publish of the same app does.</summary>
    public static PublishedApp CreateIn(string directory, IReadOnlyDictionary<string, string>? parameterValues = null)
    {
        var builder = DistributedApplication.CreateBuilder(["--operation", "publish", "--publisher", "manifest", "--output-path", Path.Combine(directory, "aspire-manifest.json")]);
        builder.Services.AddFakeLogging();
        foreach (var (name, value) in parameterValues ?? new Dictionary<string, string>())
        {
            builder.Configuration[$"Parameters:{name}"] = value;
        }

        return new PublishedApp(directory, builder);
    }

    /// <summary>Where the manifest and everything published beside it are.</summary>
    public string Directory => _directory;

    /// <summary>Runs the publish operation, as often as a user would; returns the manifest's resources.</summary>
    public async Task<JsonObject> PublishAsync(CancellationToken cancellationToken)
    {
        using var app = Builder.Build();
        await app.RunAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);

        // Aspire logs a failed publish step and returns, leaving the manifest cut off.
        var errors = app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Level >= LogLevel.Error).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" | ", errors.Select(r => $"{r.Message} {Messages(r.Exception)}")));
        }

        return JsonNode.Parse(await File.ReadAllTextAsync(ManifestPath, cancellationToken))!["resources"]!.AsObject();
    }

    /// <summary>What the entry's container gets, built and mounted as a deployment would, after the image's pre-start scripts.</summary>
    public async Task<IReadOnlyList<DeliveredFile>> ContainerFilesAsync(JsonObject resources, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var (files, failures) = await PublishedContainer.Read(_directory, resources[name]!.AsObject()).AfterPreStartAsync(cancellationToken);
        Assert.Empty(failures);
        return files;
    }

    private static string Messages(Exception? error) => error switch
    {
        null => string.Empty,
        AggregateException aggregate => string.Join(" | ", aggregate.Flatten().InnerExceptions.Select(Messages)),
        _ => $"{error.Message} {Messages(error.InnerException)}",
    };

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
        for (var directory = System.IO.Directory.GetParent(RepositoryRoot.Path); directory is not null; directory = directory.Parent)
        {
            var path = Path.Combine(directory.FullName, "shared", "reference", "aspire-8.0.json");
            if (File.Exists(path))
            {
                return JsonSchema.FromText(File.ReadAllText(path));
            }
        }

        throw new FileNotFoundException($"Aspire's manifest schema (shared/reference/aspire-8.0.json) is in no directory above {RepositoryRoot.Path}.");
    }

    public void Dispose()
    {
        // A second publish into the same folder shares it; whichever is disposed first removes it.
        if (System.IO.Directory.Exists(_directory))
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
    }
}
