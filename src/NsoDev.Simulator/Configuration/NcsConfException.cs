namespace NsoDev.Simulator.Configuration;

/// <summary>
/// ncs.conf cannot be used. NSO exits 21 for this (NSO-NOTES §2); the message names the
/// file, the line and the element so that the fix is obvious.
/// </summary>
internal sealed class NcsConfException : Exception
{
    public NcsConfException()
    {
    }

    public NcsConfException(string message)
        : base(message)
    {
    }

    public NcsConfException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static NcsConfException At(string file, int line, string element, string problem) =>
        new($"{file}:{line}: {element}: {problem}");
}
