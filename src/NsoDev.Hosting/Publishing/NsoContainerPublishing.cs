using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Declare;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Plan;
using NsoDev.Hosting.Reference;
using NsoDev.Hosting.Serve;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Publishing;

/// <summary>
/// In publish mode an instance becomes a container built from Cisco's production image
/// (docs/NSO-NOTES.md §6). Beside the manifest, publishing writes for each instance NAME:
/// <list type="bullet">
/// <item><c>NAME/</c>, the build context: the ncs.conf that <see cref="NcsConfWriter"/> writes for the image's
/// release, and a pre-start script that gives NSO its IPC secret;</item>
/// <item><c>NAME.Dockerfile</c> (Aspire writes it from <see cref="Dockerfile"/>): the image plus those files;</item>
/// <item><c>secrets/NAME/ipc_access</c>, mode 0400, the IPC secret, which the container and every dependent
/// get as a read-only bind mount, never through the image, the environment or the manifest.</item>
/// </list>
/// In run mode nothing here adds an annotation, so DCP never tries to run a container.
/// </summary>
internal static class NsoContainerPublishing
{
    /// <summary>Cisco's production image, loaded from Cisco's download with <c>docker load</c>, not pulled.</summary>
    public const string Image = "cisco-nso-prod";

    /// <summary>The image tag; its MAJOR.MINOR is the release whose ncs.conf band is written.</summary>
    public const string DefaultTag = "6.5";

    /// <summary>Where the image's start script takes ncs.conf from when the image itself sets none in /etc/ncs.</summary>
    public const string ConfigDirectory = "/nso/etc";

    /// <summary>The image's NCS_CONFIG_DIR, whose <c>pre-ncs-start.d/</c> scripts its start script runs before NSO.</summary>
    public const string ImageConfigDirectory = "/etc/ncs";

    /// <summary>The image's run directory (NCS_RUN_DIR): CDB, state, packages.</summary>
    public const string RunDirectory = "/nso/run";

    /// <summary>The image's log directory.</summary>
    public const string LogDirectory = "/log";

    public const string NcsConfFileName = "ncs.conf";

    public const string AccessFileName = "ipc_access";

    public const string PreStartDirectoryName = "pre-ncs-start.d";

    public const string SecretHookFileName = "50-nsodev-ipc-access.sh";

    /// <summary>The folder beside the manifest that holds each instance's secret directory.</summary>
    public const string SecretsDirectoryName = "secrets";

    /// <summary>The address every listener binds in the container: other containers reach it only there.</summary>
    public const string AnyAddress = "0.0.0.0";

    public const string AdminPasswordParameterName = "nso-admin-password";

    /// <summary>The file ncs.conf's access check names: NSO's own copy, made by the pre-start script.</summary>
    public static string AccessFile => $"{ConfigDirectory}/{AccessFileName}";

    public static string DataVolumeName(NsoResource nso) => $"{nso.Name}-run";

    /// <summary>
    /// Swaps the instance for a container resource that shares its annotations, as Aspire's
    /// <c>PublishAsDockerFile</c> does: the container takes the instance's place in the model, and the
    /// instance's manifest entry is the container's, built from a Dockerfile generated at publish time.
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
        declaration.AccessCheck ??= new AccessCheckDeclaration(null);
        var adminPassword = app.Resources.OfType<ParameterResource>().FirstOrDefault(p => p.Name == AdminPasswordParameterName)
            ?? app.AddParameter(AdminPasswordParameterName, secret: true).Resource;

        var output = PublishOutput.For(app);
        var layout = new PublishedLayout(output, resource.Name);

        // Dependents keep references to the instance; Aspire's publishers resolve them by name (and, as the
        // annotations are shared, see the image), so they reach the container.
        app.Resources.Remove(resource);
        var container = new NsoContainerResource(resource);
        app.AddResource(container)
            .WithImage(Image, DefaultTag)
            .WithDockerfileFactory(layout.BuildContext, context => WriteBuildContextAsync(resource, layout, context.CancellationToken))
            .WithBindMount(layout.SecretDirectory, NsoConnection.ContainerSecretDirectory(resource), isReadOnly: true)
            .WithEnvironment("ADMIN_USERNAME", "admin")
            .WithEnvironment("ADMIN_PASSWORD", adminPassword);
        SetDataPersistence(nso, declaration.DataPersistence);
        nso.WithManifestPublishingCallback(context => context.WriteContainerAsync(container));
    }

    /// <summary>
    /// A dependent of a published instance gets the instance's secret directory as a read-only bind mount
    /// where its <c>NCS_IPC_ACCESS_FILE</c> and connection string point. Aspire's manifest has bind mounts
    /// for containers only; Docker Compose mounts them into projects too.
    /// </summary>
    public static void MountSecretInto(IResource dependent, NsoResource nso)
    {
        ArgumentNullException.ThrowIfNull(dependent);
        ArgumentNullException.ThrowIfNull(nso);
        var target = NsoConnection.ContainerSecretDirectory(nso);
        if (!nso.Declaration().IsPublishMode || dependent.Annotations.OfType<ContainerMountAnnotation>().Any(m => m.Target == target))
        {
            return;
        }

        var source = nso.Annotations.OfType<ContainerMountAnnotation>().Single(m => m.Target == target).Source!;
        dependent.Annotations.Add(new ContainerMountAnnotation(source, target, ContainerMountType.BindMount, isReadOnly: true));
    }

    /// <summary>The access check's secret in publish mode: the value of the user's parameter, instead of a generated one.</summary>
    public static void UseSecret(IResourceBuilder<NsoResource> nso, ParameterResource? secret)
    {
        if (secret is not null)
        {
            nso.Resource.Declaration().AccessCheck = new AccessCheckDeclaration(secret);
        }
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

    /// <summary>Publishes the instance from another tag of Cisco's image; checked in both modes, applied only when publishing.</summary>
    public static void SetImageTag(IResourceBuilder<NsoResource> nso, string tag)
    {
        _ = TagRelease(tag, nso.Resource.Name);
        if (nso.ApplicationBuilder.ExecutionContext.IsPublishMode
            && nso.ApplicationBuilder.Resources.OfType<NsoContainerResource>().FirstOrDefault(c => ReferenceEquals(c.Nso, nso.Resource)) is { } container)
        {
            nso.ApplicationBuilder.CreateResourceBuilder(container).WithImageTag(tag);
        }
    }

    /// <summary>The release of the image the instance is published from, from its tag (<c>6.5</c>, <c>6.4.1.3</c>).</summary>
    public static NsoRelease ImageRelease(NsoResource nso) =>
        TagRelease(BaseImageTag(nso), nso.Name);

    private static string BaseImageTag(NsoResource nso) => nso.Annotations.OfType<ContainerImageAnnotation>().LastOrDefault()?.Tag ?? string.Empty;

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

    /// <summary>The image: Cisco's, with the instance's ncs.conf and the script that installs the mounted secret.</summary>
    public static string Dockerfile(NsoResource nso)
    {
        ArgumentNullException.ThrowIfNull(nso);
        var ports = string.Join(' ', new[] { NsoPortKind.Ipc, NsoPortKind.Netconf, NsoPortKind.Cli, NsoPortKind.WebUi }
            .Select(kind => BindingPort(nso, kind)).OfType<int>().Select(p => p.ToString(CultureInfo.InvariantCulture)));
        return $"""
            # NSO instance '{nso.Name}', generated by NsoDev when the app host was published.
            # Cisco's production image is loaded from Cisco's download (docker load), not pulled.
            FROM {Image}:{BaseImageTag(nso)}
            COPY {NcsConfFileName} {ConfigDirectory}/{NcsConfFileName}
            COPY {PreStartDirectoryName}/ {ImageConfigDirectory}/{PreStartDirectoryName}/
            EXPOSE {ports}

            """;
    }

    /// <summary>
    /// The pre-start script: the secret arrives on a read-only mount owned by whoever deployed it, so it
    /// is copied to the file ncs.conf names, mode 0400, for the user NSO runs as.
    /// </summary>
    public static string SecretHook(NsoResource nso)
    {
        ArgumentNullException.ThrowIfNull(nso);
        var mounted = NsoConnection.ContainerSecretPath(nso);
        return $"""
            #!/bin/sh
            # Generated by NsoDev for NSO instance '{nso.Name}'. NSO reads the IPC access secret from
            # {AccessFile}; the deployment mounts it read-only at {NsoConnection.ContainerSecretDirectory(nso)}.
            set -eu
            source_file={mounted}
            target_file={AccessFile}
            if [ ! -s "$source_file" ]; then
              echo "NsoDev: no IPC access secret at $source_file. Mount the folder {SecretsDirectoryName}/{nso.Name}, beside the manifest, read-only at {NsoConnection.ContainerSecretDirectory(nso)}." >&2
              exit 1
            fi
            install -m 0400 "$source_file" "$target_file"
            if [ "$(id -u)" -eq 0 ] && id nso >/dev/null 2>&1; then
              chown nso:nso "$target_file"
            fi

            """;
    }

    /// <summary>Writes the build context and, unless one is there already, the secret file; returns the Dockerfile.</summary>
    private static async Task<string> WriteBuildContextAsync(NsoResource nso, PublishedLayout layout, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(layout.BuildContext, PreStartDirectoryName));
        await File.WriteAllTextAsync(Path.Combine(layout.BuildContext, NcsConfFileName), NcsConf(nso, NcsConfTemplate.Default()), cancellationToken).ConfigureAwait(false);
        var hook = Path.Combine(layout.BuildContext, PreStartDirectoryName, SecretHookFileName);
        await File.WriteAllTextAsync(hook, SecretHook(nso), cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            // COPY keeps the context's modes: the image's start script runs the hook.
            File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        await WriteSecretAsync(nso, layout.SecretFile, cancellationToken).ConfigureAwait(false);
        return Dockerfile(nso);
    }

    /// <summary>
    /// The user's parameter, when given, sets the secret; else a secret published before is kept, so a
    /// running deployment and its clients keep agreeing; else a new one is generated.
    /// </summary>
    private static async Task WriteSecretAsync(NsoResource nso, string path, CancellationToken cancellationToken)
    {
        var published = File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) : null;
        if (nso.Declaration().AccessCheck?.Secret is { } parameter)
        {
            var value = await ParameterValueAsync(nso, parameter, path, cancellationToken).ConfigureAwait(false);
            IpcSecretFile.Validate(value ?? string.Empty, $"the parameter '{parameter.Name}'");
            if (published != value)
            {
                IpcSecretFile.Write(path, value!);
            }

            return;
        }

        if (published is { Length: > 0 })
        {
            IpcSecretFile.Validate(published, path);
            return;
        }

        IpcSecretFile.Write(path, IpcSecretFile.Generate());
    }

    private static async Task<string?> ParameterValueAsync(NsoResource nso, ParameterResource parameter, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await parameter.GetValueAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidOperationException(
                $"NSO instance '{nso.Name}' takes its IPC secret from the parameter '{parameter.Name}', which has no value: publishing writes that secret to {path}. "
                + $"Set Parameters:{parameter.Name} (for example with dotnet user-secrets), or drop the parameter from WithIpcAccessCheck() to have one generated.", e);
        }
    }

    private static int? BindingPort(NsoResource nso, NsoPortKind kind) => NsoEndpoints.Find(nso, kind) is { } endpoint ? endpoint.TargetPort ?? kind.StockPort() : null;

    private static ListenerSettings Listener(NsoResource nso, NsoPortKind kind) =>
        BindingPort(nso, kind) is int port ? new ListenerSettings(true, AnyAddress, port) : new ListenerSettings(false, AnyAddress, kind.StockPort());

    /// <summary>Where one instance's published files go.</summary>
    private sealed record PublishedLayout(string Output, string Name)
    {
        public string BuildContext => Path.Combine(Output, Name);

        public string SecretDirectory => Path.Combine(Output, SecretsDirectoryName, Name);

        public string SecretFile => Path.Combine(SecretDirectory, AccessFileName);
    }
}
