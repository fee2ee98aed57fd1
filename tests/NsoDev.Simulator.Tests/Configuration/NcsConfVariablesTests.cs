using NsoDev.Simulator.Configuration;

namespace NsoDev.Simulator.Tests.Configuration;

public sealed class NcsConfVariablesTests
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["NCS_DIR"] = "/opt/nso",
        ["EMPTY"] = string.Empty,
    };

    [Theory]
    [InlineData("./state", "./state")]
    [InlineData("${NCS_DIR}/etc/ncs", "/opt/nso/etc/ncs")]
    [InlineData("${NCS_DIR}${NCS_DIR}", "/opt/nso/opt/nso")]
    [InlineData("${UNSET:-/usr/local}/etc", "/usr/local/etc")]
    [InlineData("${EMPTY:-fallback}", "fallback")]
    [InlineData("${NCS_DIR:-/ignored}", "/opt/nso")]
    [InlineData("${UNSET:-}", "")]
    [InlineData("$NCS_DIR", "$NCS_DIR")]
    public void References_are_replaced_as_a_shell_would(string text, string expected) =>
        Assert.Equal(expected, NcsConfVariables.Substitute(text, Environment.GetValueOrDefault));

    [Fact]
    public void An_unset_variable_without_a_default_is_an_error_naming_it_and_the_fix_as_ncs_conf_5_says() =>
        Assert.Equal(
            "${UNSET} is not set in the daemon's environment and has no default; set UNSET, or write ${UNSET:-default}",
            Assert.Throws<FormatException>(() => NcsConfVariables.Substitute("${UNSET}/etc", Environment.GetValueOrDefault)).Message);

    [Fact]
    public void A_variable_set_to_the_empty_string_is_replaced_by_nothing() =>
        Assert.Equal("/etc", NcsConfVariables.Substitute("${EMPTY}/etc", Environment.GetValueOrDefault));

    [Theory]
    [InlineData("${NCS_DIR")]
    [InlineData("${}")]
    [InlineData("${A-B}")]
    [InlineData("${:-x}")]
    public void A_malformed_reference_is_an_error(string text) =>
        Assert.Throws<FormatException>(() => NcsConfVariables.Substitute(text, Environment.GetValueOrDefault));
}
