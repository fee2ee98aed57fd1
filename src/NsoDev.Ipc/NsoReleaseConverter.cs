using System.ComponentModel;
using System.Globalization;

namespace NsoDev.Ipc;

/// <summary>
/// Converts <c>6.5</c> to an <see cref="NsoRelease"/> and back, so a release binds from configuration
/// (without a converter the binder leaves a release property silently unset).
/// </summary>
public sealed class NsoReleaseConverter : TypeConverter
{
    /// <inheritdoc/>
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    /// <inheritdoc/>
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text ? NsoRelease.Parse(text) : base.ConvertFrom(context, culture, value);

    /// <inheritdoc/>
    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType) =>
        value is NsoRelease release && destinationType == typeof(string) ? release.ToString() : base.ConvertTo(context, culture, value, destinationType);
}
