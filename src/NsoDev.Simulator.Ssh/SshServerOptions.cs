using System.ComponentModel.DataAnnotations;

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
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AuthenticationTimeout { get; set; } = SshServerDefaults.AuthenticationTimeout;

    /// <summary>Failed login attempts before the connection is dropped. Default 6, as OpenSSH's MaxAuthTries.</summary>
    [Range(1, 100)]
    public int MaxAuthenticationAttempts { get; set; } = SshServerDefaults.MaxAuthenticationAttempts;

    /// <summary>Session channels open at once on one connection. Default 10, as OpenSSH's MaxSessions.</summary>
    [Range(1, 1000)]
    public int MaxChannelsPerConnection { get; set; } = SshServerDefaults.MaxChannelsPerConnection;

    internal void Validate()
    {
        var problems = new List<ValidationResult>();
        Validator.TryValidateObject(this, new ValidationContext(this), problems, validateAllProperties: true);
        if (problems.Count > 0)
        {
            throw new ArgumentException(
                "The SSH server options are not valid: " + string.Join("; ", problems.Select(p => p.ErrorMessage?.TrimEnd('.'))) + ".",
                "options");
        }
    }
}

/// <summary>Defaults of <see cref="SshServerOptions"/>.</summary>
internal static class SshServerDefaults
{
    public static readonly TimeSpan AuthenticationTimeout = TimeSpan.FromSeconds(60);
    public const int MaxAuthenticationAttempts = 6;
    public const int MaxChannelsPerConnection = 10;

    /// <summary>How long a stopping server waits for channel handlers to return.</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(2);
}
