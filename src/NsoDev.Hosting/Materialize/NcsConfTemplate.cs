using System.Globalization;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Materialize;

/// <summary>
/// Where an instance's ncs.conf comes from: one file used as is, or a template folder with one
/// ncs.conf per version band, such as <c>instance-templates/default/6.2/ncs.conf</c> (NSO 6.2 to
/// 6.4) and <c>instance-templates/default/6.5/ncs.conf</c> (6.5 and later). A band serves every
/// release from its own up to the next band (docs/NSO-NOTES.md §1).
/// </summary>
internal abstract record NcsConfTemplate
{
    /// <summary>The ncs.conf to write the instance's file from, for the engine's version.</summary>
    /// <exception cref="NcsConfTemplateException">A template folder has no band for <paramref name="version"/>.</exception>
    public abstract string PathFor(NsoRelease version);

    /// <summary>The banded <c>instance-templates/default</c> copied beside the app host.</summary>
    public static NcsConfTemplate Default() => new Banded(System.IO.Path.Combine(AppContext.BaseDirectory, "instance-templates", "default"));

    /// <summary>A file is used as is; a folder must hold at least one <c>MAJOR.MINOR/ncs.conf</c>. Null when neither.</summary>
    public static NcsConfTemplate? FromPath(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        path = Path.GetFullPath(path);
        if (File.Exists(path))
        {
            return new SingleFile(path);
        }

        var banded = new Banded(path);
        return banded.Bands.Count > 0 ? banded : null;
    }

    /// <summary>A user's own ncs.conf, whatever the version.</summary>
    public sealed record SingleFile(string Path) : NcsConfTemplate
    {
        public override string PathFor(NsoRelease version) => Path;
    }

    /// <summary>A folder of version bands; the band whose first release is the highest at or below the engine's serves it.</summary>
    public sealed record Banded(string Directory) : NcsConfTemplate
    {
        public string Name => System.IO.Path.GetFileName(Directory.TrimEnd(System.IO.Path.DirectorySeparatorChar));

        /// <summary>The bands found on disk, oldest first.</summary>
        public IReadOnlyList<NsoRelease> Bands =>
            System.IO.Directory.Exists(Directory)
                ? [.. System.IO.Directory.EnumerateDirectories(Directory)
                    .Where(d => File.Exists(System.IO.Path.Combine(d, "ncs.conf")))
                    .Select(d => (Ok: IsBand(System.IO.Path.GetFileName(d), out var band), band))
                    .Where(b => b.Ok)
                    .Select(b => b.band)
                    .Order()]
                : [];

        public override string PathFor(NsoRelease version)
        {
            var bands = Bands;
            if (bands.Count == 0)
            {
                throw new NcsConfTemplateException(
                    $"The template folder '{Directory}' holds no version band (a folder such as 6.5 with an ncs.conf in it). "
                    + "Rebuild the app host so that instance-templates/ is copied beside it, or point WithTemplate at an ncs.conf.");
            }

            var band = bands.LastOrDefault(b => b <= version);
            if (band == default)
            {
                var first = bands[0].ToString();
                throw new NcsConfTemplateException(
                    $"The template '{Name}' has no ncs.conf for NSO {version}: its version bands start at {first} ({Directory}). "
                    + $"Use a template with a band for {version} (the default template has one from 6.2, and TCP IPC needs no local-ipc template), "
                    + $"NSO {first} or later, or WithTemplate(path) with an ncs.conf made for NSO {version}.");
            }

            return System.IO.Path.Combine(Directory, band.ToString(), "ncs.conf");
        }

        /// <summary>Only a folder named exactly MAJOR.MINOR is a band.</summary>
        private static bool IsBand(string name, out NsoRelease band)
        {
            band = default;
            var parts = name.Split('.');
            if (parts.Length != 2
                || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
            {
                return false;
            }

            band = new NsoRelease(major, minor);
            return true;
        }
    }
}
