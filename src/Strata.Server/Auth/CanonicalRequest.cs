using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Strata.Server.Auth;

/// <summary>
/// Writes SigV4's canonical request for S3: method, URI, query, headers, signed header names and payload hash,
/// each on its own line. S3 signs the path as sent (no dot-segment or slash normalization) with every
/// character outside A-Za-z0-9-._~ percent-encoded once, so it is built from the raw request target.
/// </summary>
internal static class CanonicalRequest
{
    /// <summary>The raw path and query as the client sent them (Kestrel's RawTarget), without normalization.</summary>
    public static (string Path, string Query) RawTarget(HttpRequest request)
    {
        var target = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target) || target == "*")
        {
            // No raw target (a test host, or OPTIONS *): fall back to the decoded path, re-escaped.
            return ((request.PathBase + request.Path).ToUriComponent(), request.QueryString.HasValue ? request.QueryString.Value![1..] : "");
        }
        var start = 0;
        if (target[0] != '/')
        {
            // absolute-form (http://host/path): the path starts at the first slash after the authority.
            var scheme = target.IndexOf("://", StringComparison.Ordinal);
            var slash = scheme < 0 ? -1 : target.IndexOf('/', scheme + 3);
            if (slash < 0) return ("/", "");
            start = slash;
        }
        var question = target.IndexOf('?', start);
        return question < 0
            ? (target[start..], "")
            : (target[start..question], target[(question + 1)..]);
    }

    /// <summary>
    /// The whole canonical request; false when the signed header list is malformed or lacks host.
    /// The query drops X-Amz-Signature when <paramref name="presigned"/>.
    /// </summary>
    public static bool Write(ref PooledByteWriter writer, HttpRequest request, string rawPath, string rawQuery, bool presigned,
        string signedHeaders, string payloadHash)
    {
        writer.Write(request.Method);
        writer.Write((byte)'\n');
        WriteUri(ref writer, rawPath);
        writer.Write((byte)'\n');
        WriteQuery(ref writer, rawQuery, skipSignature: presigned);
        writer.Write((byte)'\n');
        if (!WriteHeaders(ref writer, request.Headers, signedHeaders)) return false;
        writer.Write((byte)'\n');
        writer.Write(signedHeaders);
        writer.Write((byte)'\n');
        writer.Write(payloadHash);
        return true;
    }

    public static void WriteUri(ref PooledByteWriter writer, ReadOnlySpan<char> rawPath)
    {
        if (rawPath.IsEmpty)
        {
            writer.Write((byte)'/');
            return;
        }
        WriteEncoded(ref writer, rawPath, keepSlash: true, plusIsSpace: false);
    }

    /// <summary>
    /// Decodes %XX escapes (a '%' not followed by two hex digits stays a literal '%'), then encodes each byte
    /// per SigV4: unreserved characters as themselves, everything else as %XX in upper-case hex.
    /// </summary>
    public static void WriteEncoded(ref PooledByteWriter writer, ReadOnlySpan<char> raw, bool keepSlash, bool plusIsSpace)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            int value;
            if (c == '%' && i + 2 < raw.Length && SigV4.HexValue(raw[i + 1]) >= 0 && SigV4.HexValue(raw[i + 2]) >= 0)
            {
                value = (SigV4.HexValue(raw[i + 1]) << 4) | SigV4.HexValue(raw[i + 2]);
                i += 2;
                WriteByte(ref writer, (byte)value, keepSlash);
            }
            else if (c == '+' && plusIsSpace)
            {
                WriteByte(ref writer, (byte)' ', keepSlash);
            }
            else if (c < 0x80)
            {
                WriteByte(ref writer, (byte)c, keepSlash);
            }
            else
            {
                // Kestrel hands non-ASCII targets over as decoded UTF-8; encode the scalar back to its bytes.
                int length;
                if (char.IsHighSurrogate(c) && i + 1 < raw.Length && char.IsLowSurrogate(raw[i + 1]))
                {
                    length = new Rune(c, raw[i + 1]).EncodeToUtf8(utf8);
                    i++;
                }
                else
                {
                    length = Rune.TryCreate(c, out var rune) ? rune.EncodeToUtf8(utf8) : Rune.ReplacementChar.EncodeToUtf8(utf8);
                }
                for (var j = 0; j < length; j++) WriteByte(ref writer, utf8[j], keepSlash);
            }
        }
    }

    private static void WriteByte(ref PooledByteWriter writer, byte value, bool keepSlash)
    {
        if (IsUnreserved(value) || (keepSlash && value == (byte)'/'))
        {
            writer.Write(value);
            return;
        }
        var escape = writer.Reserve(3);
        escape[0] = (byte)'%';
        escape[1] = UpperHex[value >> 4];
        escape[2] = UpperHex[value & 0xF];
    }

    private static ReadOnlySpan<byte> UpperHex => "0123456789ABCDEF"u8;

    private static bool IsUnreserved(byte b) =>
        (uint)(b - 'A') <= 'Z' - 'A' || (uint)(b - 'a') <= 'z' - 'a' || (uint)(b - '0') <= 9 || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~';

    private readonly record struct Parameter(int NameStart, int NameLength, int ValueStart, int ValueLength);

    /// <summary>
    /// Writes the query sorted by encoded name, then value, each encoded per SigV4. A '+' is read as a space,
    /// as the form encoding S3 accepts; SDKs send %2B for a plus, which stays a plus.
    /// </summary>
    public static void WriteQuery(ref PooledByteWriter writer, ReadOnlySpan<char> rawQuery, bool skipSignature)
    {
        if (rawQuery.IsEmpty) return;
        var pieces = rawQuery.Count('&') + 1;
        var parameters = ArrayPool<Parameter>.Shared.Rent(pieces);
        var scratch = new PooledByteWriter(rawQuery.Length * 3 + 16);
        try
        {
            var count = 0;
            foreach (var range in rawQuery.Split('&'))
            {
                var piece = rawQuery[range];
                if (piece.IsEmpty) continue;
                var equals = piece.IndexOf('=');
                var rawName = equals < 0 ? piece : piece[..equals];
                var rawValue = equals < 0 ? [] : piece[(equals + 1)..];
                var nameStart = scratch.Length;
                WriteEncoded(ref scratch, rawName, keepSlash: false, plusIsSpace: true);
                var nameLength = scratch.Length - nameStart;
                if (skipSignature && scratch.Slice(nameStart, nameLength).SequenceEqual("X-Amz-Signature"u8))
                {
                    continue;
                }
                var valueStart = scratch.Length;
                WriteEncoded(ref scratch, rawValue, keepSlash: false, plusIsSpace: true);
                parameters[count++] = new Parameter(nameStart, nameLength, valueStart, scratch.Length - valueStart);
            }
            var sorted = parameters.AsSpan(0, count);
            sorted.Sort(new ParameterOrder(scratch));
            for (var i = 0; i < sorted.Length; i++)
            {
                if (i > 0) writer.Write((byte)'&');
                writer.Write(scratch.Slice(sorted[i].NameStart, sorted[i].NameLength));
                writer.Write((byte)'=');
                writer.Write(scratch.Slice(sorted[i].ValueStart, sorted[i].ValueLength));
            }
        }
        finally
        {
            scratch.Dispose();
            ArrayPool<Parameter>.Shared.Return(parameters);
        }
    }

    private readonly struct ParameterOrder(PooledByteWriter scratch) : IComparer<Parameter>
    {
        public int Compare(Parameter x, Parameter y)
        {
            var byName = scratch.Slice(x.NameStart, x.NameLength).SequenceCompareTo(scratch.Slice(y.NameStart, y.NameLength));
            return byName != 0 ? byName : scratch.Slice(x.ValueStart, x.ValueLength).SequenceCompareTo(scratch.Slice(y.ValueStart, y.ValueLength));
        }
    }

    /// <summary>
    /// Writes "name:value\n" for each signed header in the order the client listed them, and returns false when
    /// the list is malformed (empty names, upper case) or lacks host. Values are trimmed and inner runs of
    /// whitespace collapse to one space; repeated headers join with commas.
    /// </summary>
    public static bool WriteHeaders(ref PooledByteWriter writer, IHeaderDictionary headers, ReadOnlySpan<char> signedHeaders)
    {
        var sawHost = false;
        foreach (var range in signedHeaders.Split(';'))
        {
            var name = signedHeaders[range];
            if (name.IsEmpty) return false;
            foreach (var c in name)
            {
                if (c is >= 'A' and <= 'Z' || c <= ' ' || c == ':' || c > '~') return false;
            }
            if (name.SequenceEqual("host")) sawHost = true;
            writer.Write(name);
            writer.Write((byte)':');
            var values = headers[name.ToString()];
            for (var i = 0; i < values.Count; i++)
            {
                if (i > 0) writer.Write((byte)',');
                WriteTrimmed(ref writer, values[i]);
            }
            writer.Write((byte)'\n');
        }
        return sawHost;
    }

    private static void WriteTrimmed(ref PooledByteWriter writer, ReadOnlySpan<char> value)
    {
        value = value.Trim(" \t");
        var start = 0;
        while (start < value.Length)
        {
            var space = value[start..].IndexOfAny(' ', '\t');
            if (space < 0)
            {
                writer.Write(value[start..]);
                return;
            }
            writer.Write(value.Slice(start, space));
            writer.Write((byte)' ');
            start += space;
            while (start < value.Length && value[start] is ' ' or '\t') start++;
        }
    }
}
