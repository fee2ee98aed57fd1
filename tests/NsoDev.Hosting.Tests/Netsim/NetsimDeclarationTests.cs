using Aspire.Hosting;
using NsoDev.Hosting.Declare;
using NsoDev.Hosting.Plan;

namespace NsoDev.Hosting.Tests.Netsim;

/// <summary>WithNetsimDevices records each network, and refuses a bad one with the fix.</summary>
public sealed class NetsimDeclarationTests : IDisposable
{
    private readonly NedPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    private static IDistributedApplicationBuilder Builder() => DistributedApplication.CreateBuilder([]);

    [Fact]
    public void Each_call_adds_a_network_in_order_and_the_device_names_follow_ncs_netsim()
    {
        var router = _packages.Create("router-nc-1.1");
        var switches = _packages.Create("switch-nc-1.0");

        var nso = Builder().AddNso("nso-1").WithNetsimDevices(router, 3, "ex").WithNetsimDevices(switches, 2, "sw-");

        Assert.Equal([new NetsimDeclaration(router, 3, "ex"), new NetsimDeclaration(switches, 2, "sw-")], nso.Resource.Declaration().Netsim);
        Assert.Equal(["ex0", "ex1", "ex2"], nso.Resource.Declaration().Netsim[0].DeviceNames);
        Assert.Equal(["sw-0", "sw-1"], nso.Resource.Declaration().Netsim[1].DeviceNames);
    }

    [Fact]
    public void A_relative_package_path_is_taken_from_the_app_host_directory()
    {
        var builder = Builder();
        var router = _packages.Create("router-nc-1.1");
        var relative = Path.GetRelativePath(builder.AppHostDirectory, router);

        var nso = builder.AddNso("nso-1").WithNetsimDevices(relative, 1, "ex");

        Assert.False(Path.IsPathRooted(relative));
        Assert.Equal(router, nso.Resource.Declaration().Netsim[0].Package);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-1, 0)]
    [InlineData(101, 0)]
    [InlineData(6, 95)]
    public void A_count_outside_one_to_the_instance_limit_is_refused_with_the_counts_that_fit(int count, int already)
    {
        var router = _packages.Create("router-nc-1.1");
        var nso = Builder().AddNso("nso-1");
        if (already > 0)
        {
            nso.WithNetsimDevices(router, already, "a");
        }

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => nso.WithNetsimDevices(router, count, "ex"));

        Assert.Contains($"asks for {count} devices on NSO instance 'nso-1', which has {already} already", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Pass a count from 1 to {100 - already}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0ex")]
    [InlineData("ex_")]
    [InlineData("ex/")]
    [InlineData("e x")]
    [InlineData("pe--")]
    [InlineData("abcdefghijklmnopqrstuvwxyzabcde")]
    public void A_prefix_that_makes_no_valid_device_name_is_refused_with_an_example(string prefix)
    {
        var router = _packages.Create("router-nc-1.1");

        var error = Assert.Throws<ArgumentException>(() => Builder().AddNso("nso-1").WithNetsimDevices(router, 1, prefix));

        Assert.Contains($"The device prefix '{prefix}' for NSO instance 'nso-1' does not make valid device names", error.Message, StringComparison.Ordinal);
        Assert.Contains("Use a prefix such as \"ex\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_package_directory_is_refused_with_its_full_path()
    {
        var missing = Path.Combine(_packages.Root, "no-such-ned");

        var error = Assert.Throws<DirectoryNotFoundException>(() => Builder().AddNso("nso-1").WithNetsimDevices(missing, 2, "ex"));

        Assert.Contains($"The NED package directory '{missing}' for the devices 'ex' of NSO instance 'nso-1' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_without_package_meta_data_is_refused_as_not_a_package()
    {
        var notAPackage = _packages.Create("just-a-folder", withMetaData: false);

        var error = Assert.Throws<FileNotFoundException>(() => Builder().AddNso("nso-1").WithNetsimDevices(notAPackage, 2, "ex"));

        Assert.Contains($"'{notAPackage}' holds no package-meta-data.xml, so it is not an NSO package", error.Message, StringComparison.Ordinal);
        Assert.Contains("Pass WithNetsimDevices the directory of a NED package", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ex", 2, "ex", "the prefix 'ex' is given twice")]
    [InlineData("ex", 11, "ex1", "device ex10 would exist twice")]
    public void Two_calls_whose_device_names_clash_are_refused(string first, int firstCount, string second, string clash)
    {
        var router = _packages.Create("router-nc-1.1");
        var nso = Builder().AddNso("nso-1").WithNetsimDevices(router, firstCount, first);

        var error = Assert.Throws<InvalidOperationException>(() => nso.WithNetsimDevices(router, 1, second));

        Assert.Contains(clash, error.Message, StringComparison.Ordinal);
        Assert.Contains("Give each WithNetsimDevices call a prefix of its own", error.Message, StringComparison.Ordinal);
        Assert.Single(nso.Resource.Declaration().Netsim);
    }

    [Fact]
    public void The_same_prefix_on_two_instances_is_accepted_since_each_has_its_own_devices()
    {
        var router = _packages.Create("router-nc-1.1");
        var builder = Builder();

        builder.AddNso("nso-1").WithNetsimDevices(router, 3, "ex");
        var second = builder.AddNso("nso-2").WithNetsimDevices(router, 3, "ex");

        Assert.Single(second.Resource.Declaration().Netsim);
    }
}
