using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace NsoDev.Simulator.Configuration;

/// <summary>
/// The YANG types of ncs.conf leaves that nso-sim checks, in one place: the schema check and the
/// typed reads both use these, so a value is judged the same way wherever it is read.
/// </summary>
internal static class NcsConfValues
{
    /// <summary>Null when <paramref name="text"/> is a valid <paramref name="type"/>, else the problem.</summary>
    public static string? Problem(NcsConfType type, string text) => type switch
    {
        NcsConfType.Bool when !TryBool(text, out _) => $"\"{text}\" is not a boolean; write true or false",
        NcsConfType.Port when !TryPort(text, out _) => $"\"{text}\" is not a port number (0..65535)",
        NcsConfType.IpAddress when !TryIpAddress(text, out _) => $"\"{text}\" is not an IP address",
        _ => null,
    };

    public static bool TryBool(string text, out bool value)
    {
        value = text == "true";
        return text is "true" or "false";
    }

    /// <summary>A port is a YANG uint16, so it takes what any YANG integer takes: a <c>+</c> sign and leading zeros.</summary>
    public static bool TryPort(string text, out int port)
    {
        port = 0;
        return TryInteger(text, 0, IPEndPoint.MaxPort) && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out port);
    }

    /// <summary>IPAddress.TryParse also takes shorthands such as "1" (0.0.0.1); inet:ip-address does not.</summary>
    public static bool TryIpAddress(string text, out IPAddress address) =>
        IPAddress.TryParse(text, out address!)
        && (address.AddressFamily == AddressFamily.InterNetworkV6 || text.Count(c => c == '.') == 3);

    /// <summary>A YANG integer: an optional sign, then decimal digits, within the type's range.</summary>
    public static bool TryInteger(string text, decimal min, decimal max)
    {
        var sign = text.StartsWith('+') || text.StartsWith('-') ? 1 : 0;
        return text.Length > sign
            && text.Skip(sign).All(char.IsAsciiDigit)
            && decimal.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            && value >= min && value <= max;
    }
}

/// <summary>
/// The type column of <c>ncs-config-tree.txt</c>: alternatives such as <c>uint32|=unbounded</c> or
/// <c>ipv4|ipv6</c>, taken from the man page's type (<c>uint32 | unbounded</c>). A value passes when
/// one alternative takes it. Sample problems: <c>"x" is not a port number (0..65535)</c>,
/// <c>"often" is not one of automatic, manual</c>.
/// </summary>
internal sealed class NcsConfValueType
{
    private static readonly Dictionary<string, (decimal Min, decimal Max)> Integers = new(StringComparer.Ordinal)
    {
        ["int8"] = (sbyte.MinValue, sbyte.MaxValue),
        ["int16"] = (short.MinValue, short.MaxValue),
        ["int32"] = (int.MinValue, int.MaxValue),
        ["int64"] = (long.MinValue, long.MaxValue),
        ["uint8"] = (0, byte.MaxValue),
        ["uint16"] = (0, ushort.MaxValue),
        ["uint32"] = (0, uint.MaxValue),
        ["uint64"] = (0, ulong.MaxValue),
    };

    private readonly string[] _types;
    private readonly string[] _literals;

    private NcsConfValueType(string[] types, string[] literals)
    {
        _types = types;
        _literals = literals;
    }

    /// <summary>Null for <c>-</c>: any text.</summary>
    /// <exception cref="FormatException">An alternative nso-sim does not know.</exception>
    public static NcsConfValueType? Parse(string column)
    {
        if (column == "-")
        {
            return null;
        }

        var alternatives = column.Split('|');
        var literals = alternatives.Where(a => a.StartsWith('=')).Select(a => a[1..]).ToArray();
        var types = alternatives.Where(a => !a.StartsWith('=')).ToArray();
        foreach (var type in types)
        {
            if (type is not ("boolean" or "port" or "ipv4" or "ipv6") && !Integers.ContainsKey(type))
            {
                throw new FormatException($"unknown value type \"{type}\"");
            }
        }

        return new NcsConfValueType(types, literals);
    }

    public string? Problem(string text)
    {
        if (_literals.Contains(text, StringComparer.Ordinal) || _types.Any(t => Takes(t, text)))
        {
            return null;
        }

        return _types switch
        {
            ["boolean"] when _literals.Length == 0 => NcsConfValues.Problem(NcsConfType.Bool, text),
            ["port"] when _literals.Length == 0 => NcsConfValues.Problem(NcsConfType.Port, text),
            ["ipv4", "ipv6"] or ["ipv6", "ipv4"] when _literals.Length == 0 => NcsConfValues.Problem(NcsConfType.IpAddress, text),
            [] => $"\"{text}\" is not one of {string.Join(", ", _literals)}",
            _ => $"\"{text}\" is not {string.Join(" or ", _types.Select(Describe).Concat(_literals))}",
        };
    }

    private static bool Takes(string type, string text) => type switch
    {
        "boolean" => NcsConfValues.TryBool(text, out _),
        "port" => NcsConfValues.TryPort(text, out _),
        "ipv4" => NcsConfValues.TryIpAddress(text, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork,
        "ipv6" => NcsConfValues.TryIpAddress(text, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6,
        _ => NcsConfValues.TryInteger(text, Integers[type].Min, Integers[type].Max),
    };

    private static string Describe(string type) => type switch
    {
        "boolean" => "a boolean",
        "port" => "a port number (0..65535)",
        "ipv4" => "an IPv4 address",
        "ipv6" => "an IPv6 address",
        _ => $"a {type} ({Integers[type].Min}..{Integers[type].Max})",
    };
}
