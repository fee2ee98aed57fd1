// A MAAPI-style client of one NSO instance: it knows nothing but the NCS_IPC_* variables the
// AppHost injected, and proves they work by completing the IPC preamble every few seconds.
using NsoDev.Samples.IpcClient;

var builder = Host.CreateApplicationBuilder(args);
builder.AddServiceDefaults();
builder.AddNsoIpc();
builder.Services.AddHostedService<IpcProbeWorker>();
builder.Build().Run();
