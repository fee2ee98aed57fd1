using System.Text;

namespace NsoDev.Simulator.Configuration;

/// <summary>
/// <c>${VAR}</c> and <c>${VAR:-default}</c> in ncs.conf text values (NSO-NOTES §1).
/// Sample: <c>${NCS_DIR}/etc/ncs</c>, <c>${NSO_CLI_PORT:-2024}</c>.
/// An unset <c>${VAR}</c> with no default is an error, as ncs.conf(5) says; <c>:-</c> also covers
/// a variable that is set but empty, as in a shell (inferred: the page speaks only of undefined ones).
/// </summary>
internal static class NcsConfVariables
{
    /// <exception cref="FormatException">An unterminated or malformed reference, or an unset variable with no default.</exception>
    public static string Substitute(string text, Func<string, string?> getVariable)
    {
        var start = text.IndexOf("${", StringComparison.Ordinal);
        if (start < 0)
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var position = 0;
        while (start >= 0)
        {
            result.Append(text, position, start - position);
            var end = text.IndexOf('}', start + 2);
            if (end < 0)
            {
                throw new FormatException($"\"{text}\" has a \"${{\" without a closing \"}}\"");
            }

            result.Append(Resolve(text[(start + 2)..end], getVariable));
            position = end + 1;
            start = text.IndexOf("${", position, StringComparison.Ordinal);
        }

        return result.Append(text, position, text.Length - position).ToString();
    }

    private static string Resolve(string reference, Func<string, string?> getVariable)
    {
        var separator = reference.IndexOf(":-", StringComparison.Ordinal);
        var name = separator < 0 ? reference : reference[..separator];
        if (!IsVariableName(name))
        {
            throw new FormatException($"\"${{{reference}}}\" is not a variable reference; write ${{NAME}} or ${{NAME:-default}}");
        }

        var value = getVariable(name);
        if (separator < 0)
        {
            return value ?? throw new FormatException($"${{{name}}} is not set in the daemon's environment and has no default; set {name}, or write ${{{name}:-default}}");
        }

        return string.IsNullOrEmpty(value) ? reference[(separator + 2)..] : value;
    }

    private static bool IsVariableName(string name) =>
        name.Length > 0
        && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
