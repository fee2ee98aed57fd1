using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Declare;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Plan;
using NsoDev.Hosting.Serve;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Publishing;

/// <summary>
/// In publish mode an instance becomes a container of Cisco's production image (docs/NSO-NOTES.md §6):
/// its ncs.conf, written by <see cref="NcsConfWriter"/> for the image's release, and the IPC secret, read
/// from a secret parameter, arrive as container files in <c>/nso/etc</c>, where the image's start script
/// looks for ncs.conf. In run mode nothing here adds an annotation, so DCP never tries to run a container.
/// </summary>
internal static class NsoContainerPublishing
{
    /// <summary>Cisco's production image, loaded from Cisco's download with <c>docker load</c>, not pulled.</summary>
    public const string Image = "cisco-nso-prod";

    /// <summary>The image tag; its MAJOR.MINOR is the release whose ncs.conf band is written.</summary>
    public const string DefaultTag = "6.5";

    /// <summary>Where the image's start script takes a mounted ncs.conf from.</summary>
    public const string ConfigDirectory = "/nso/etc";

    /// <summary>The image's run directory (NCS_RUN_DIR): CDB, state, packages.</summary>
    public const string RunDirectory = "/nso/run";

    /// <summary>The image's log directory.</summary>
    public const string LogDirectory = "/log";

    public const string NcsConfFileName = "ncs.conf";

    public const string AccessFileName = "ipc_access";

    /// <summary>The address every listener binds in the container: other containers reach it only there.</summary>
    public const string AnyAddress = "0.0.0.0";

    public const string AdminPasswordParameterName = "nso-admin-password";

    public static string AccessFile => $"{ConfigDirectory}/{AccessFileName}";

    public static string DataVolumeName(NsoResource nso) => $"{nso.Name}-run";

    public static string SecretParameterName(NsoResource nso) => $"{nso.Name}-ipc-secret";

    /// <summary>
    /// Swaps the instance for a container resource that shares its annotations, as Aspire's
    /// <c>PublishAsDockerFile</c> does: the container takes the instance's place in the model, and the
    /// instance's manifest entry is the container's.
    /// </summary>
    public static void PublishAsContainer(IResourceBuilder<NsoResource> nso)
    {
        ArgumentNullException.ThrowIfNull(nso);
        var app = nso.ApplicationBuilder;
        if (!app.ExecutionContext.IsPublishMode)
        {
            return;
        }

        var resource = nso.Resource;
        var declaration = resource.Declaration();

        // A container's IPC listens on 0.0.0.0, which other hosts reach too, so the check is always on.
        declaration.AccessCheck ??= new AccessCheckDeclaration(app.AddParameter(SecretParameterName(resource), secret: true).Resource);
        var adminPassword = app.Resources.OfType<ParameterResource>().FirstOrDefault(p => p.Name == AdminPasswordParameterName)
            ?? app.AddParameter(AdminPasswordParameterName, secret: true).Resource;

        // Dependents keep references to the instance; Aspire's publishers resolve them by name (and, as the
        // annotations are shared, see the image), so they reach the container.
        app.Resources.Remove(resource);
        var container = new NsoContainerResource(resource);
        app.AddResource(container)
            .WithImage(Image, DefaultTag)
            .WithContainerFiles(ConfigDirectory, (_, cancellationToken) => FilesAsync(resource, cancellationToken))
            .WithEnvironment("ADMIN_USERNAME", "admin")
            .WithEnvironment("ADMIN_PASSWORD", adminPassword);
        SetDataPersistence(nso, declaration.DataPersistence);
        nso.WithManifestPublishingCallback(context => context.WriteContainerAsync(container));
    }

    /// <summary>The access check's secret in publish mode: the user's parameter replaces the generated one.</summary>
    public static void UseSecret(IResourceBuilder<NsoResource> nso, ParameterResource? secret)
    {
        var declaration = nso.Resource.Declaration();
        if (secret is null || ReferenceEquals(declaration.AccessCheck?.Secret, secret))
        {
            return;
        }

        if (declaration.AccessCheck?.Secret is { } generated && generated.Name == SecretParameterName(nso.Resource))
        {
            nso.ApplicationBuilder.Resources.Remove(generated);
        }

        declaration.AccessCheck = new AccessCheckDeclaration(secret);
    }

    /// <summary>CDB and state survive a new container in a named volume on the image's run directory, unless persistence is off.</summary>
    public static void SetDataPersistence(IResourceBuilder<NsoResource> nso, bool persist)
    {
        if (!nso.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return;
        }

        var volume = nso.Resource.Annotations.OfType<ContainerMountAnnotation>().FirstOrDefault(m => m.Target == RunDirectory);
        if (persist && volume is null)
        {
            nso.Resource.Annotations.Add(new ContainerMountAnnotation(DataVolumeName(nso.Resource), RunDirectory, ContainerMountType.Volume, isReadOnly: false));
        }
        else if (!persist && volume is not null)
        {
            nso.Resource.Annotations.Remove(volume);
        }
    }

    /// <summary>Publishes the instance with another tag of Cisco's image; checked in both modes, applied only when publishing.</summary>
    public static void SetImageTag(IResourceBuilder<NsoResource> nso, string tag)
    {
        _ = TagRelease(tag, nso.Resource.Name);
        if (nso.ApplicationBuilder.ExecutionContext.IsPublishMode
            && nso.ApplicationBuilder.Resources.OfType<NsoContainerResource>().FirstOrDefault(c => ReferenceEquals(c.Nso, nso.Resource)) is { } container)
        {
            nso.ApplicationBuilder.CreateResourceBuilder(container).WithImageTag(tag);
        }
    }

    /// <summary>The release of the image the instance is published with, from its tag (<c>6.5</c>, <c>6.4.1.3</c>).</summary>
    public static NsoRelease ImageRelease(NsoResource nso) =>
        TagRelease(nso.Annotations.OfType<ContainerImageAnnotation>().LastOrDefault()?.Tag ?? string.Empty, nso.Name);

    private static NsoRelease TagRelease(string tag, string name)
    {
        var parts = tag.Split('.');
        if (parts.Length >= 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            && int.TryParse(parts[1].Split('-')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return new NsoRelease(major, minor);
        }

        throw new InvalidOperationException(
            $"The image tag '{tag}' of NSO instance '{name}' does not start with an NSO release such as 6.5: NsoDev writes the container's ncs.conf for the image's release. "
            + $"Tag the image with its release, as Cisco's images are ({Image}:{DefaultTag}).");
    }

    /// <summary>The container's ncs.conf: the instance's template band for the image's release, every listener on 0.0.0.0 at its binding's port.</summary>
    public static string NcsConf(NsoResource nso, NcsConfTemplate defaultTemplate)
    {
        ArgumentNullException.ThrowIfNull(nso);
        ArgumentNullException.ThrowIfNull(defaultTemplate);
        var release = ImageRelease(nso);
        var template = nso.Declaration().Template ?? defaultTemplate;
        var conf = NcsConfWriter.Apply(NcsConfWriter.LoadTemplate(template.PathFor(release)), new NcsConfSettings
        {
            Version = release,
            Ipc = new NsoIpcEndpoint.Tcp(AnyAddress, BindingPort(nso, NsoPortKind.Ipc) ?? NsoPortKind.Ipc.StockPort()),
            AccessFile = AccessFile,
            Netconf = Listener(nso, NsoPortKind.Netconf),
            Cli = Listener(nso, NsoPortKind.Cli),
            WebUi = Listener(nso, NsoPortKind.WebUi),
            SshServerKeyDir = $"{ConfigDirectory}/ssh",
        });
        return NcsConfWriter.ToText(NcsConfWriter.InDirectories(conf, RunDirectory, LogDirectory));
    }

    private static async Task<IEnumerable<ContainerFileSystemItem>> FilesAsync(NsoResource nso, CancellationToken cancellationToken)
    {
        var files = new List<ContainerFileSystemItem>
        {
            new ContainerFile
            {
                Name = NcsConfFileName,
                Contents = NcsConf(nso, NcsConfTemplate.Default()),
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            },
        };

        var secret = nso.Declaration().AccessCheck!.Secret!;
        var value = await secret.GetValueAsync(cancellationToken) ?? string.Empty;
        IpcSecretFile.Validate(value, $"the parameter '{secret.Name}'");
        files.Add(new ContainerFile { Name = AccessFileName, Contents = value, Mode = UnixFileMode.UserRead });
        return files;
    }

    private static int? BindingPort(NsoResource nso, NsoPortKind kind) => NsoEndpoints.Find(nso, kind) is { } endpoint ? endpoint.TargetPort ?? kind.StockPort() : null;

    private static ListenerSettings Listener(NsoResource nso, NsoPortKind kind) =>
        BindingPort(nso, kind) is int port ? new ListenerSettings(true, AnyAddress, port) : new ListenerSettings(false, AnyAddress, kind.StockPort());
}
