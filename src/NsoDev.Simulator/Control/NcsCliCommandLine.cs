using System.Globalization;

namespace NsoDev.Simulator.Control;

/// <summary>
/// <c>nso-sim ncs_cli</c>'s command line, as ncs_cli(1) spells it, short options bundled as getopt takes them:
/// <c>-nsCu admin -g admin</c> is <c>-n -s -C -u admin -g admin</c>. Options that only matter to a real terminal
/// or to NSO's AAA (<c>-H -c -p -i -E -U -G -D -O -a -v</c>) are accepted and ignored.
/// </summary>
internal sealed record NcsCliCommandLine
{
    public const string Verb = "ncs_cli";

    public const string Usage = """
        usage: nso-sim ncs_cli [-n|-N] [-s] [-C|-J] [-u User] [-g Groups] [-A Address] [-P Port] [-S SocketPath] [File]
        Runs each line of File (default: standard input) in the daemon's C-style CLI and prints the output, as
        ncs_cli(1) does in a script. -s stops at the first error with exit code 8; -n echoes the prompt and
        the command. The daemon is found with -S or NCS_IPC_PATH, else -A/-P or NCS_IPC_ADDR/NCS_IPC_PORT
        (default 127.0.0.1:4569); the IPC access secret is read from NCS_IPC_ACCESS_FILE.
        """;

    private static readonly HashSet<char> Flags = ['n', 'N', 's', 'C', 'J', 'v', 'a', 'h'];
    private static readonly HashSet<char> WithValue = ['H', 'A', 'P', 'S', 'c', 'p', 'i', 'E', 'u', 'g', 'U', 'G', 'D', 'O'];

    private static readonly Dictionary<string, char> LongNames = new(StringComparer.Ordinal)
    {
        ["help"] = 'h', ["host"] = 'H', ["address"] = 'A', ["port"] = 'P', ["socket-path"] = 'S', ["cwd"] = 'c',
        ["proto"] = 'p', ["ip"] = 'i', ["verbose"] = 'v', ["interactive"] = 'n', ["noninteractive"] = 'N',
        ["stop-on-error"] = 's', ["escape-char"] = 'E', ["user"] = 'u', ["groups"] = 'g', ["uid"] = 'U',
        ["gid"] = 'G', ["gids"] = 'D', ["noaaa"] = 'a', ["opaque"] = 'O',
    };

    /// <summary>-u; null means the login name.</summary>
    public string? User { get; init; }

    /// <summary>-g, comma-separated.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>-n: echo the prompt and each command.</summary>
    public bool Interactive { get; init; }

    /// <summary>-s: stop at the first error, exit 8.</summary>
    public bool StopOnError { get; init; }

    /// <summary>-J: Juniper style, of which nso-sim knows only that actions start with <c>request</c>.</summary>
    public bool JuniperStyle { get; init; }

    public string? Address { get; init; }

    public int? Port { get; init; }

    public string? SocketPath { get; init; }

    /// <summary>The file to read commands from instead of standard input.</summary>
    public string? File { get; init; }

    public bool Help { get; init; }

    /// <exception cref="NcsUsageException">An unknown option, an option without its value, or a bad port.</exception>
    public static NcsCliCommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var line = new NcsCliCommandLine();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                var name = arg[2..];
                string? inline = null;
                if (name.IndexOf('=', StringComparison.Ordinal) is var equals and > 0)
                {
                    inline = name[(equals + 1)..];
                    name = name[..equals];
                }

                if (!LongNames.TryGetValue(name, out var option))
                {
                    throw Unknown(arg);
                }

                line = WithValue.Contains(option)
                    ? line.With(option, inline ?? Next(args, ref i, arg))
                    : line.With(option, null);
                continue;
            }

            if (arg.StartsWith('-') && arg.Length > 1)
            {
                for (var j = 1; j < arg.Length; j++)
                {
                    var option = arg[j];
                    if (Flags.Contains(option))
                    {
                        line = line.With(option, null);
                    }
                    else if (WithValue.Contains(option))
                    {
                        // getopt: the rest of the bundle is the value, else the next argument.
                        var value = j + 1 < arg.Length ? arg[(j + 1)..] : Next(args, ref i, "-" + option);
                        line = line.With(option, value);
                        break;
                    }
                    else
                    {
                        throw Unknown("-" + option);
                    }
                }

                continue;
            }

            line = line.File is null ? line with { File = arg } : throw new NcsUsageException($"ncs_cli: only one command file may be given, not both {line.File} and {arg}\n{Usage}");
        }

        return line;
    }

    private NcsCliCommandLine With(char option, string? value) => option switch
    {
        'n' => this with { Interactive = true },
        'N' => this with { Interactive = false },
        's' => this with { StopOnError = true },
        'C' => this with { JuniperStyle = false },
        'J' => this with { JuniperStyle = true },
        'h' => this with { Help = true },
        'u' => this with { User = value },
        'g' => this with { Groups = [.. value!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] },
        'A' => this with { Address = value },
        'P' => this with { Port = PortOf(value!) },
        'S' => this with { SocketPath = value },
        _ => this,
    };

    private static int PortOf(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw new NcsUsageException($"ncs_cli: -P {text}: not a port number; give the daemon's IPC port (1..65535), e.g. -P 4569");

    private static string Next(IReadOnlyList<string> args, ref int i, string option) =>
        ++i < args.Count ? args[i] : throw new NcsUsageException($"ncs_cli: option {option} needs a value\n{Usage}");

    private static NcsUsageException Unknown(string option) => new($"ncs_cli: unknown option {option}\n{Usage}");
}
