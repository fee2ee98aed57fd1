namespace NsoDev.Simulator.Ssh.Tests.HostKeys;

/// <summary>
/// Throwaway keys made for these tests with ssh-keygen (OpenSSH 9.2), and the fingerprints
/// `ssh-keygen -lf` printed for them. They protect nothing.
/// </summary>
internal static class OpenSshKeyFixtures
{
    public const string EcdsaFingerprint = "SHA256:2mkItnHF1714YfusfIXZp5P+YJ5HXIgmtLGwZtz/wn4";

    public const string RsaFingerprint = "SHA256:4YEmeK63VqWpZZJJLpFoVFQ0kdb4ywNEQF2yUvPxxDg";

    public const string Ecdsa = """
        -----BEGIN OPENSSH PRIVATE KEY-----
        b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAaAAAABNlY2RzYS
        1zaGEyLW5pc3RwMjU2AAAACG5pc3RwMjU2AAAAQQSEwDDBl93mzYModvqDF9inUBkQY7So
        Hr8GAQnDgILQV5jP7mBgaHKq6xnSvTYl9fWuWVotpygGhFGkdeX/lSJlAAAAoDp4uDE6eL
        gxAAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBITAMMGX3ebNgyh2
        +oMX2KdQGRBjtKgevwYBCcOAgtBXmM/uYGBocqrrGdK9NiX19a5ZWi2nKAaEUaR15f+VIm
        UAAAAgTJlpQNfIs9K1T9iD2q7NOZcDxszhGe2KT8IWq8/R9XAAAAAEdGVzdAECAwQ=
        -----END OPENSSH PRIVATE KEY-----
        """;

    public const string Rsa = """
        -----BEGIN OPENSSH PRIVATE KEY-----
        b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAABFwAAAAdzc2gtcn
        NhAAAAAwEAAQAAAQEAvi5q5d95h8Mj6MQOpY53DuQfZOGwEb3tTHST5a9Zu8f7TTIShKPK
        G7KM7S29Iwah3i2pF7ldcs/5mDHfHNsgYlr1LntY+Wn6FoBhJh/4IBiQcoOgluyEPm/NDB
        O4ErIU1f7fBH/P17K1x+90QEPqgL9z75goWvJ+aTVOt3l5b3CnWuZiuLaku1Q7FZi4cX2M
        9bA4azkx4MhQIT6vRk5wmJvZ/huHU6FNioiePAnaX1uEAhf0INIgMRgvRK3hh+YWkytDl6
        f7XdtO86gwafih4A3iZ2m1/anzdIr9BrwzirhAnlsKpsNwMGPD4Bc4fNP6k20OuRyJhPE8
        vy+OwCHM/QAAA8CJF4tOiReLTgAAAAdzc2gtcnNhAAABAQC+Lmrl33mHwyPoxA6ljncO5B
        9k4bARve1MdJPlr1m7x/tNMhKEo8obsoztLb0jBqHeLakXuV1yz/mYMd8c2yBiWvUue1j5
        afoWgGEmH/ggGJByg6CW7IQ+b80ME7gSshTV/t8Ef8/XsrXH73RAQ+qAv3PvmCha8n5pNU
        63eXlvcKda5mK4tqS7VDsVmLhxfYz1sDhrOTHgyFAhPq9GTnCYm9n+G4dToU2KiJ48Cdpf
        W4QCF/Qg0iAxGC9EreGH5haTK0OXp/td207zqDBp+KHgDeJnabX9qfN0iv0GvDOKuECeWw
        qmw3AwY8PgFzh80/qTbQ65HImE8Ty/L47AIcz9AAAAAwEAAQAAAQAGqkggeUtgPi8OfnyI
        Qddwrqmzq+iInqWSkI1fDIeyZJOtRMF7DjshlbQ0WxjYrD1VCjhLDA83MbcXezv3Xhii9H
        lzoRVhBwf27Os6s6kgWtazz2LRQfBv4xQxGv8lrJcSruWFr1hglgiikq+k0ZyGLu+IaJvq
        yrqHw7tYA8paj5e3aAY7ruYbR8gfEHS3lrJmIFej8Ap4R21B/XlLzg0g/SgVqPuLbWZ4uY
        uq+HaFhfie/t4lUUfNSLShvBK3oz/79F/7+tYt7+/tlf1/Xbga1uZw6aZkqIQH3WvOeklD
        F75gpx5kjRRyRk6V2ahI+eoY6Tv7fmK970Fgeaoky42BAAAAgQDpTV0Lm7/emEW0I5yOHQ
        2QW4wGn9WfQgo64q0ecP5PbE/k1AykbACWrki5emPEYPq8a0V8aOi/UslAjGXE9jSbakI+
        mQKZ9ZmzvO+w/wEPRDBDSyzGRtfn0JB/OYJvfeNqgYQxqDb89PPzPQZeThmwzHKuy0X54X
        NZoGqOJa9FCQAAAIEA/fHsrg+CAdKaO5V++phBOulgsnFvdXGZVaFnGfN9pIqKW46YFGlV
        MOZWXfdWDOHpqcKYX4VNli+SFxrj14wyW7zrnk6E6a4PKq1EGGY5tOIn1cSiMCmk44NgNC
        +aebhaqj4aCwHNfqIpaysOET7GqUBV8aiP+wIbvrQUQSDFxz0AAACBAL+4ZkAEDC6Z+bnI
        OUV4HBeNbRqvWeYCcwm4/oGCOIQV/LenB9HB3ONk1KNyCFNjt6VrthFO4VB8jcaZ8ttCRu
        71MaCaIYvxp+7UEB6gD08DLHpeTAfT9KNp/iUoQz95H9fU81z4qyfaC/VheJiUgKGTN0Mt
        JxXSggzQTtuWSnjBAAAABHRlc3QBAgMEBQY=
        -----END OPENSSH PRIVATE KEY-----
        """;
}
