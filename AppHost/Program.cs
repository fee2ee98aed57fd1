// The default NsoDev topology: Nso:Count simulated (or real) NSO instances, nso-1 ... nso-N.
// `dotnet run --project AppHost -- --Nso:Count=5` runs five.
var builder = DistributedApplication.CreateBuilder(args);

var topology = NsoTopology.FromConfiguration(builder.Configuration);
foreach (var name in topology.InstanceNames)
{
    var nso = builder.AddNso(name);
    if (topology.RunRoot is { } runRoot)
    {
        nso.WithRunDirectory(Path.Combine(runRoot, name));
    }
}

builder.Build().Run();
