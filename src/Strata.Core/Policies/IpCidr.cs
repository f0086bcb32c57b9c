using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Strata.Core.Policies;

/// <summary>An IPv4 or IPv6 block from an IpAddress / NotIpAddress condition, e.g. 192.0.2.0/24 or 2001:DB8:1234:5678::/64.</summary>
internal readonly record struct IpCidr(bool IsV6, UInt128 Network, int PrefixLength)
{
    // IAM: "If you specify an IP address without the associated routing prefix, IAM uses the default prefix value of /32."
    // (/128 for IPv6.)
    public static bool TryParse(string text, out IpCidr cidr)
    {
        cidr = default;
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text.AsSpan() : text.AsSpan(0, slash);
        if (!TryParseAddress(addressText, strict: true, out var isV6, out var bits)) return false;
        var width = isV6 ? 128 : 32;
        var prefix = width;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, null, out prefix) || prefix > width))
        {
            return false;
        }
        cidr = new IpCidr(isV6, bits & Mask(prefix, width), prefix);
        return true;
    }

    public bool Contains(bool isV6, UInt128 address) =>
        isV6 == IsV6 && (address & Mask(PrefixLength, IsV6 ? 128 : 32)) == Network;

    private static UInt128 Mask(int prefix, int width) =>
        prefix == 0 ? UInt128.Zero : (UInt128.MaxValue << (width - prefix)) & (width == 128 ? UInt128.MaxValue : uint.MaxValue);

    /// <summary>Parses the requester's address; an IPv4-mapped IPv6 address (::ffff:a.b.c.d) counts as IPv4.</summary>
    public static bool TryParseAddress(ReadOnlySpan<char> text, bool strict, out bool isV6, out UInt128 bits)
    {
        isV6 = false;
        bits = default;
        // IPAddress.TryParse also takes "1" or "1.2" (classful shorthand); a policy must spell four parts.
        if (strict && !text.Contains(':') && text.Count('.') != 3) return false;
        if (!IPAddress.TryParse(text, out var address)) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written)) return false;
        isV6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        bits = isV6 ? BinaryPrimitives.ReadUInt128BigEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes[..written]);
        return true;
    }
}
