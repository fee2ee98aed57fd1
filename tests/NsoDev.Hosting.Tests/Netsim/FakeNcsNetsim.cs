namespace NsoDev.Hosting.Tests.Netsim;

/// <summary>One run of the fake ncs-netsim: its arguments and the variables NsoDev must set.</summary>
internal sealed record NetsimCall(IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string?> Environment)
{
    /// <summary>The verb, the word after <c>--dir DIR</c>.</summary>
    public string Verb => Arguments.Count > 2 ? Arguments[2] : string.Empty;
}

/// <summary>
/// A shell script in the place of <c>$NCS_DIR/bin/ncs-netsim</c>. It writes down every call (arguments,
/// and the port variables, NCS_DIR and NETSIM_DIR as it sees them), and answers as ncs-netsim does:
/// <c>DEVICE x CREATED</c>, <c>DEVICE x OK STARTED</c>, <c>DEVICE x OK</c> or <c>FAIL</c> for is-alive,
/// and a <c>/devices</c> document for ncs-xml-init. The network is a file of device names in the --dir.
/// Devices named in <see cref="FailingDevicesFile"/> fail to start. Each device has ncs-netsim's folder
/// <c>PREFIX/NAME/logs</c>, and its start and stop write a line to <c>confd.log</c> there, as ConfD does.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class FakeNcsNetsim
{
    public static readonly string[] RecordedVariables = ["IPC_PORT", "NETCONF_SSH_PORT", "NETCONF_TCP_PORT", "CLI_SSH_PORT", "SNMP_PORT", "NCS_DIR"];

    private const string Script = """
        #!/bin/sh
        here=$(dirname "$0")
        log="$here/ncs-netsim.calls"
        {
          echo CALL
          for a in "$@"; do printf 'ARG %s\n' "$a"; done
          for v in IPC_PORT NETCONF_SSH_PORT NETCONF_TCP_PORT CLI_SSH_PORT SNMP_PORT NCS_DIR; do
            eval "set=\${$v+x}"; eval "val=\${$v}"
            if [ -n "$set" ]; then printf 'ENV %s=%s\n' "$v" "$val"; fi
          done
        } >> "$log"
        [ "$1" = "--dir" ] || { echo "fake ncs-netsim: --dir must come first" >&2; exit 2; }
        dir=$2; verb=$3; shift 3
        devices="$dir/.devices"
        devlog() { for logs in "$dir"/*/"$1"/logs; do [ -d "$logs" ] && echo "$2" >> "$logs/confd.log"; done; }
        # A control verb's device argument picks that device alone, as ncs-netsim's does.
        case "$verb" in
          start|stop|reset|is-alive) if [ -n "$1" ]; then echo "$1" > "$dir/.picked"; devices="$dir/.picked"; fi ;;
        esac
        case "$verb" in
          create-network|add-to-network)
            pkg=$1; n=$2; prefix=$3
            [ -f "$pkg/package-meta-data.xml" ] || { echo "*** no package $pkg" >&2; exit 1; }
            if [ "$verb" = create-network ] && [ -e "$dir/.netsiminfo" ]; then echo "*** A netsim network already exists in directory $dir" >&2; exit 1; fi
            mkdir -p "$dir"; touch "$dir/.netsiminfo"
            i=0
            while [ $i -lt "$n" ]; do echo "$prefix$i" >> "$devices"; mkdir -p "$dir/$prefix/$prefix$i/logs"; echo "DEVICE $prefix$i CREATED"; i=$((i+1)); done ;;
          ncs-xml-init)
            echo '<devices xmlns="http://tail-f.com/ns/ncs">'
            while read -r d; do echo "  <device><name>$d</name><address>127.0.0.1</address></device>"; done < "$devices"
            echo '</devices>' ;;
          start)
            if [ -e "$here/hang-on-start" ]; then exec sleep 60; fi
            if [ -e "$here/slow-start" ]; then sleep 1; fi
            while read -r d; do
              if grep -qx "$d" "$here/failing-devices" 2>/dev/null; then devlog "$d" "<ERR> fake device $d: cannot bind its port"; echo "DEVICE $d FAIL"; else touch "$dir/$d.running"; devlog "$d" "<INFO> fake device $d started"; echo "DEVICE $d OK STARTED"; fi
            done < "$devices"
            echo "END start" >> "$log" ;;
          is-alive)
            while read -r d; do if [ -e "$dir/$d.running" ]; then echo "DEVICE $d OK"; else echo "DEVICE $d FAIL"; fi; done < "$devices" ;;
          stop)
            while read -r d; do if [ -e "$dir/$d.running" ]; then devlog "$d" "<INFO> fake device $d stopping"; fi; rm -f "$dir/$d.running"; echo "DEVICE $d STOPPED"; done < "$devices" ;;
          reset)
            while read -r d; do rm -f "$dir/$d.running"; echo "DEVICE $d RESET"; done < "$devices" ;;
          delete-network)
            rm -rf "$dir" ;;
          *) echo "fake ncs-netsim: unknown verb $verb" >&2; exit 2 ;;
        esac
        """;

    public FakeNcsNetsim(string path)
    {
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, Script.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Path { get; }

    /// <summary>While this file exists, <c>start</c> hangs.</summary>
    public string HangOnStartFile => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, "hang-on-start");

    /// <summary>While this file exists, <c>start</c> takes a second before it starts the devices.</summary>
    public string SlowStartFile => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, "slow-start");

    /// <summary>The calls file as written: <c>CALL</c> lines, and <c>END start</c> where a start ran to its end.</summary>
    public IReadOnlyList<string> Log() => File.Exists(CallsFile) ? File.ReadAllLines(CallsFile) : [];

    public string FailingDevicesFile => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, "failing-devices");

    private string CallsFile => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, "ncs-netsim.calls");

    /// <summary>Every call so far, in order.</summary>
    public IReadOnlyList<NetsimCall> Calls()
    {
        var calls = new List<NetsimCall>();
        if (!File.Exists(CallsFile))
        {
            return calls;
        }

        List<string>? arguments = null;
        Dictionary<string, string?>? environment = null;
        foreach (var line in File.ReadAllLines(CallsFile))
        {
            if (line == "CALL")
            {
                if (arguments is not null)
                {
                    calls.Add(new NetsimCall(arguments, environment!));
                }

                arguments = [];
                environment = RecordedVariables.ToDictionary(v => v, _ => (string?)null);
            }
            else if (line.StartsWith("ARG ", StringComparison.Ordinal))
            {
                arguments!.Add(line[4..]);
            }
            else if (line.StartsWith("ENV ", StringComparison.Ordinal))
            {
                var pair = line[4..].Split('=', 2);
                environment![pair[0]] = pair[1];
            }
        }

        if (arguments is not null)
        {
            calls.Add(new NetsimCall(arguments, environment!));
        }

        return calls;
    }

    public IEnumerable<string> Verbs() => Calls().Select(c => c.Verb);
}
