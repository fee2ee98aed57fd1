using Aspire.Hosting.ApplicationModel;

namespace NsoDev.Hosting.Lsa;

/// <summary>Marks an instance as the upper (CFS) node of an LSA deployment; its lower nodes are the deployment's.</summary>
internal sealed record LsaUpperAnnotation(NsoLsaResource Lsa) : IResourceAnnotation;

/// <summary>The names <c>AddNsoLsa</c> gives a deployment's nodes; each is also the remote node's and the device's name on the upper.</summary>
internal static class LsaNames
{
    public static string Upper(string lsa) => $"{lsa}-upper";

    public static string Lower(string lsa, int number) => $"{lsa}-lower-{number}";
}
