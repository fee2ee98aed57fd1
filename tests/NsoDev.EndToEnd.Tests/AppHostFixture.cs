using Microsoft.Extensions.DependencyInjection;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Plan;
using NsoDev.Ipc;

namespace NsoDev.EndToEnd.Tests;

/// <summary>Starting the default AppHost in a private run root, and talking to its instances as a client would.</summary>
internal static class AppHostRun
{
    /// <summary>
    /// The default AppHost in this process; nso-1 is given ports off the scheme (<see cref="RecordedPorts"/>) unless it ran before.
    /// Without its default devices unless <paramref name="args"/> set Nso:Devices: each test of devices asks for them.
    /// </summary>
    public static async Task<IDistributedApplicationTestingBuilder> CreateAsync(string runRoot, CancellationToken cancellationToken, params string[] args)
    {
        RecordedPorts.Seed(Path.Combine(runRoot, "nso-1"));
        return await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [$"--Nso:RunRoot={runRoot}", .. WithoutDefaultDevices(args)],
            (options, _) => options.DisableDashboard = true,
            cancellationToken);
    }

    /// <summary>The default AppHost with one instance, started, once nso-1 is healthy (<see cref="Nso(DistributedApplication, string)"/> gives it).</summary>
    public static async Task<DistributedApplication> StartOneHealthyAsync(string runRoot, CancellationToken cancellationToken)
    {
        var builder = await CreateAsync(runRoot, cancellationToken, "--Nso:Count=1");
        return await builder.StartHealthyAsync(cancellationToken, "nso-1");
    }

    /// <summary>The default AppHost as a process of its own (the apphost beside this assembly), nso-1 seeded as in <see cref="CreateAsync"/>.</summary>
    public static AppHostProcess StartProcess(string runRoot, params string[] args)
    {
        RecordedPorts.Seed(Path.Combine(runRoot, "nso-1"));
        return AppHostProcess.Start(Path.Combine(AppContext.BaseDirectory, "AppHost"), runRoot, WithoutDefaultDevices(args), environment: new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Development" });
    }

    private static string[] WithoutDefaultDevices(string[] args) =>
        args.Any(a => a.StartsWith("--Nso:Devices=", StringComparison.Ordinal)) ? args : [.. args, "--Nso:Devices=0"];

    /// <summary>Polls `nso-sim --status` with the instance's env.sh until it reports started; fails at once when the app host exits.</summary>
    public static async Task WaitUntilStartedAsync(this AppHostProcess appHost, string name, CancellationToken cancellationToken)
    {
        var runDirectory = new RunDirectory(Path.Combine(appHost.RunRoot, name));
        while (true)
        {
            appHost.ThrowIfExited($"before {name} started");
            if (runDirectory.ReadState() is { Pid: not null } state)
            {
                var environment = state.Environment.Where(e => e.Value is not null).ToDictionary(e => e.Key, e => e.Value!);
                var status = await NsoSimProcess.RunAsync(["--status"], environment, cancellationToken);
                if (status.Stdout.Contains("status: started", StringComparison.Ordinal))
                {
                    return;
                }
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Builds and starts the app, then waits until the named instances (all, when none is named) are healthy.</summary>
    public static async Task<DistributedApplication> StartHealthyAsync(this IDistributedApplicationTestingBuilder builder, CancellationToken cancellationToken, params string[] names)
    {
        var app = await builder.BuildAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        var waitFor = names.Length > 0 ? names : builder.Resources.OfType<NsoResource>().Select(r => r.Name).ToArray();
        await Task.WhenAll(waitFor.Select(n => app.ResourceNotifications.WaitForResourceHealthyAsync(n, cancellationToken)));
        return app;
    }

    public static NsoResource Nso(this IDistributedApplicationTestingBuilder builder, string name) =>
        (NsoResource)builder.Resources.Single(r => r.Name == name);

    public static NsoResource Nso(this DistributedApplication app, string name) =>
        (NsoResource)app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == name);

    /// <summary>After <paramref name="pid"/> died: waits until the instance runs again, as another process, and is healthy.</summary>
    public static async Task WaitUntilBackAsync(DistributedApplication app, NsoResource nso, int pid, CancellationToken cancellationToken)
    {
        await app.ResourceNotifications.WaitForResourceAsync(nso.Name, e => e.Snapshot.State?.Text == KnownResourceStates.Running && Pid(nso) != pid, cancellationToken);
        await app.ResourceNotifications.WaitForResourceHealthyAsync(nso.Name, cancellationToken);
    }

    /// <summary>The real IPC preamble as a MAAPI client, answering the challenge with the instance's secret when its check is on.</summary>
    public static async Task<string?> HandshakeAsync(NsoResource nso, CancellationToken cancellationToken, byte[]? secret = null)
    {
        var plan = nso.RequirePlan();
        secret ??= plan.AccessFile is null ? null : await File.ReadAllBytesAsync(plan.AccessFile, cancellationToken);
        try
        {
            using var socket = await IpcPreamble.ConnectAsync(new IpcConnectOptions(plan.Ipc, NsoClientType.Maapi, nso.Published().Engine!.Version) { Secret = secret }, cancellationToken);
            return null;
        }
        catch (IpcPreambleException ex)
        {
            return ex.Message;
        }
    }

    public static async Task<IReadOnlyDictionary<string, string>> EnvironmentOfAsync(DistributedApplication app, IResource resource, CancellationToken cancellationToken)
    {
        var configuration = await ExecutionConfigurationBuilder.Create(resource)
            .WithEnvironmentVariablesConfig()
            .BuildAsync(app.Services.GetRequiredService<DistributedApplicationExecutionContext>(), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, cancellationToken);
        return configuration.EnvironmentVariables.ToDictionary();
    }

    /// <summary>Waits until a resource's console log has a line containing <paramref name="text"/>.</summary>
    public static async Task WaitForLogAsync(DistributedApplication app, string resource, string text, CancellationToken cancellationToken)
    {
        // Logs are kept per resource id; a DCP resource's id is its name plus a suffix.
        var running = await app.ResourceNotifications.WaitForResourceAsync(resource, e => e.Snapshot.State?.Text == KnownResourceStates.Running, cancellationToken);
        var id = running.ResourceId;
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        await foreach (var batch in logs.WatchAsync(id).WithCancellation(cancellationToken))
        {
            if (batch.Any(line => line.Content.Contains(text, StringComparison.Ordinal)))
            {
                return;
            }
        }
    }

    public static string? State(DistributedApplication app, string resource) =>
        app.ResourceNotifications.TryGetCurrentState(resource, out var e) ? e.Snapshot.State?.Text : null;

    public static int Pid(NsoResource nso) => nso.RequirePlan().RunDirectory.ReadState()?.Pid ?? throw new InvalidOperationException($"'{nso.Name}' records no running daemon.");

    public static NsoIpcEndpoint Ipc(NsoResource nso) => nso.RequirePlan().Ipc;
}
