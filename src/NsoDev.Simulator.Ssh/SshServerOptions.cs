using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace NsoDev.Simulator.Ssh;

/// <summary>The settings of one <see cref="SshServer"/>, checked once when it is created.</summary>
public sealed class SshServerOptions
{
    /// <summary>
    /// Where the host keys live (ncs.conf's aaa/ssh-server-key-dir): ssh_host_ecdsa_key and
    /// ssh_host_rsa_key are loaded from it, or generated into it when missing.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public required string HostKeyDirectory { get; set; }

    /// <summary>Decides a password login: user name, then password.</summary>
    [Required]
    public required Func<string, string, bool> CheckPassword { get; set; }

    /// <summary>What runs on each session channel.</summary>
    [Required]
    public required ISshChannelHandlers Handlers { get; set; }

    /// <summary>
    /// Receives audit lines: host keys, logins that worked or failed, sessions, protocol errors.
    /// Never passwords or private keys. Called from several connections at once.
    /// </summary>
    public Action<string>? Log { get; set; }

    /// <summary>How long a client has from connecting to logging in. Default 60 seconds.</summary>
    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan AuthenticationTimeout { get; set; } = SshServerDefaults.AuthenticationTimeout;

    /// <summary>Failed login attempts before the connection is dropped. Default 6, as OpenSSH's MaxAuthTries.</summary>
    [Range(1, 100)]
    public int MaxAuthenticationAttempts { get; set; } = SshServerDefaults.MaxAuthenticationAttempts;

    /// <summary>Session channels open at once on one connection. Default 10, as OpenSSH's MaxSessions.</summary>
    [Range(1, 1000)]
    public int MaxChannelsPerConnection { get; set; } = SshServerDefaults.MaxChannelsPerConnection;

    internal void Validate()
    {
        var result = new SshServerOptionsValidator().Validate(null, this);
        if (result.Failed)
        {
            throw new ArgumentException(
                "The SSH server options are not valid: " + string.Join("; ", result.Failures.Select(f => f.TrimEnd('.'))) + ".",
                "options");
        }
    }
}

/// <summary>The checks of the attributes above, generated at compile time: no reflection, so nso-sim stays trim-safe and AOT-clean.</summary>
[OptionsValidator]
internal sealed partial class SshServerOptionsValidator : IValidateOptions<SshServerOptions>;

/// <summary>Defaults of <see cref="SshServerOptions"/>.</summary>
internal static class SshServerDefaults
{
    public static readonly TimeSpan AuthenticationTimeout = TimeSpan.FromSeconds(60);
    public const int MaxAuthenticationAttempts = 6;
    public const int MaxChannelsPerConnection = 10;

    /// <summary>How long a stopping server waits for channel handlers to return.</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(2);
}

/// <summary>
/// A TimeSpan between two bounds. DataAnnotations' <c>Range(typeof(TimeSpan), ...)</c> converts its
/// bounds through TypeDescriptor, which trimming can break; this parses them itself.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class TimeSpanRangeAttribute(string minimum, string maximum) : ValidationAttribute("The field {0} must be between {1} and {2}.")
{
    public TimeSpan Minimum { get; } = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);

    public TimeSpan Maximum { get; } = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);

    public override bool IsValid(object? value) => value is TimeSpan span && span >= Minimum && span <= Maximum;

    public override string FormatErrorMessage(string name) =>
        string.Format(CultureInfo.InvariantCulture, ErrorMessageString, name, Minimum, Maximum);
}
