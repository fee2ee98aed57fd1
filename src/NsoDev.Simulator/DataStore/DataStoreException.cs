namespace NsoDev.Simulator.DataStore;

/// <summary>What went wrong in the data store, in the words of RFC 6241 appendix A (the error-tag).</summary>
internal enum DataStoreError
{
    OperationFailed,
    DataExists,
    DataMissing,
    InUse,
    LockDenied,
    BadAttribute,
    InvalidValue,
}

/// <summary>
/// An edit, a lock or an unlock was refused; running is unchanged. NETCONF maps
/// <see cref="Error"/> to the error-tag, <see cref="Path"/> to error-path and <see cref="Info"/> to
/// error-info children (such as the lock holder's <c>session-id</c>).
/// </summary>
internal sealed class DataStoreException : Exception
{
    public DataStoreException()
    {
    }

    public DataStoreException(string message)
        : base(message)
    {
    }

    public DataStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DataStoreException(DataStoreError error, string message, string? path = null, IReadOnlyList<KeyValuePair<string, string>>? info = null)
        : base(message)
    {
        Error = error;
        Path = path;
        Info = info ?? [];
    }

    public DataStoreError Error { get; } = DataStoreError.OperationFailed;

    /// <summary>Where in the data, such as <c>/devices/device[name='ce0']/address</c> (no prefixes: there is no YANG).</summary>
    public string? Path { get; }

    /// <summary>error-info children, in order: element name, text.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Info { get; } = [];
}

/// <summary>
/// cdb/db-dir cannot be loaded: an init file or A.cdb is not well-formed XML, or the
/// directory cannot be read or written. NSO exits with a code from 10 to 16 for this (NSO-NOTES
/// §2); the message names the file.
/// </summary>
internal sealed class CdbLoadException : Exception
{
    public CdbLoadException()
    {
    }

    public CdbLoadException(string message)
        : base(message)
    {
    }

    public CdbLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
