using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace NsoDev.Simulator.DataStore;

/// <summary>
/// A.cdb in cdb/db-dir (NSO's name for its configuration database, so `ncs-setup --reset`, which
/// removes ncs-cdb/*.cdb, wipes it and keeps the *.xml init files): the whole running configuration, in the format of an init file
/// (<c>&lt;config xmlns="http://tail-f.com/ns/config/1.0"&gt;</c>). A save writes A.cdb.tmp,
/// flushes it to disk and renames it over A.cdb, so a kill -9 at any moment leaves the old
/// file or the new one, never a torn one; a .tmp left behind is deleted at load.
/// </summary>
internal sealed class RunningFile
{
    public const string FileName = "A.cdb";

    private const string TempSuffix = ".tmp";

    private static readonly XmlWriterSettings WriterSettings = new()
    {
        Encoding = new UTF8Encoding(false),
        Indent = true,
        CloseOutput = false,
    };

    public RunningFile(string dbDir)
    {
        ArgumentException.ThrowIfNullOrEmpty(dbDir);
        DbDir = dbDir;
    }

    public string DbDir { get; }

    public string FilePath => Path.Combine(DbDir, FileName);

    private string TempPath => FilePath + TempSuffix;

    /// <summary>
    /// The saved configuration (the wrapper element), or null on a first start. Removes leftover
    /// *.tmp files: they are writes that a crash cut short, and A.cdb is still whole.
    /// </summary>
    /// <exception cref="CdbLoadException">A.cdb cannot be read or is not well-formed.</exception>
    public XElement? Load()
    {
        try
        {
            Directory.CreateDirectory(DbDir);
            foreach (var leftover in Directory.EnumerateFiles(DbDir, "*" + TempSuffix))
            {
                File.Delete(leftover);
            }

            if (!File.Exists(FilePath))
            {
                return null;
            }

            return Wrap(XmlInput.Load(File.ReadAllBytes(FilePath)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or XmlException)
        {
            throw new CdbLoadException($"{FilePath}: {e.Message}; fix the file, or remove it to start again from the init files", e);
        }
    }

    /// <summary>
    /// The init files of a first start: every *.xml of each cdb/init-path directory in the order listed, then
    /// of cdb/db-dir, each directory in name order (NSO-NOTES §5). An init-path directory that does not exist is
    /// skipped, except nso-sim's own <c>${NCS_DIR}/var/ncs/cdb</c>, which stands for NSO's factory defaults
    /// (<see cref="FactoryDefaults"/>).
    /// </summary>
    /// <exception cref="CdbLoadException">One cannot be read or is not well-formed; the message names it.</exception>
    public IReadOnlyList<(string File, XElement Config)> LoadInitFiles(IReadOnlyList<string> initPath)
    {
        ArgumentNullException.ThrowIfNull(initPath);
        var configs = new List<(string, XElement)>();
        foreach (var dir in initPath.Append(DbDir))
        {
            if (FactoryDefaults.StandsFor(dir))
            {
                configs.Add((Path.Combine(dir, "(nso-sim's built-in factory defaults)"), FactoryDefaults.Config()));
                continue;
            }

            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(dir, "*.xml").Order(StringComparer.Ordinal))
            {
                try
                {
                    configs.Add((file, Wrap(XmlInput.Load(File.ReadAllBytes(file)))));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or XmlException)
                {
                    throw new CdbLoadException($"init file {file}: {e.Message}; fix it or move it out of cdb/db-dir and restart", e);
                }
            }
        }

        return configs;
    }

    /// <summary>Writes the configuration atomically (see the class remarks).</summary>
    /// <exception cref="IOException">The disk is full or the directory is gone; A.cdb is unchanged.</exception>
    /// <exception cref="UnauthorizedAccessException">cdb/db-dir is not writable; A.cdb is unchanged.</exception>
    public void Save(XElement config)
    {
        using (var stream = new FileStream(TempPath, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
        {
            using (var writer = XmlWriter.Create(stream, WriterSettings))
            {
                config.Save(writer);
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(TempPath, FilePath, overwrite: true);
    }

    /// <summary>An init file's root is the <c>&lt;config&gt;</c> wrapper, or else a single top-level node.</summary>
    public static XElement Wrap(XElement root) =>
        root.Name == ConfigNamespaces.ConfigWrapper ? root : new XElement(ConfigNamespaces.ConfigWrapper, root);
}
