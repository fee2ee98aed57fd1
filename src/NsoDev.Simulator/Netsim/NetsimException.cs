namespace NsoDev.Simulator.Netsim;

/// <summary>
/// A problem that ends an <c>nso-sim netsim</c> command with exit 1, as ncs-netsim's <c>error</c>
/// function does (NSO-NOTES §10). Each line names the problem and the fix; stderr gets them as
/// <c>*** line</c>, as ncs-netsim prints them.
/// </summary>
internal sealed class NetsimException : Exception
{
    public NetsimException()
    {
    }

    public NetsimException(string message)
        : base(message)
    {
    }

    public NetsimException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
