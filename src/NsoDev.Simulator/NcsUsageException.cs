namespace NsoDev.Simulator;

/// <summary>The command line cannot be run; the message is printed as it is, and the exit code is 1.</summary>
internal sealed class NcsUsageException : Exception
{
    public NcsUsageException()
    {
    }

    public NcsUsageException(string message)
        : base(message)
    {
    }

    public NcsUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static NcsUsageException UnknownOption(string option) => new($"*** {option}: Unknown option");
}
