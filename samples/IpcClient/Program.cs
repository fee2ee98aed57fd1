// A MAAPI-style client of the NSO instances this project references: it knows nothing but what the
// app host injected, and proves it works by completing the IPC preamble with each instance every few
// seconds. Each referenced instance is a connection string, ConnectionStrings:NAME; with none, the
// plain NCS_IPC_* variables name one instance, as they do for NSO's own tools.
using NsoDev.Client;
using NsoDev.Samples.IpcClient;

var builder = Host.CreateApplicationBuilder(args);
builder.AddServiceDefaults();

// Aspire writes each name also with '_' for '-' (nso-1, nso_1): one client per connection string.
var names = builder.Configuration.GetSection("ConnectionStrings").GetChildren()
    .GroupBy(c => c.Value, StringComparer.Ordinal)
    .Select(g => g.First().Key)
    .ToList();
foreach (var name in names)
{
    builder.AddKeyedNsoIpcClient(name);
}

if (names.Count == 0)
{
    builder.AddNsoIpcClient();
}

builder.Services.AddHostedService(services => new IpcProbeWorker(
    names.Count == 0 ? [services.GetRequiredService<NsoIpcClient>()] : [.. names.Select(services.GetRequiredKeyedService<NsoIpcClient>)],
    services.GetRequiredService<ILogger<IpcProbeWorker>>()));
builder.Build().Run();
