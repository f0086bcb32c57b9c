using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using CsCheck;
using Strata.Testing;
using Xunit.Abstractions;

namespace Strata.Server.Auth.Tests.Fuzz;

/// <summary>
/// Properties of SigV4 verification (Auth/RequestAuthenticator.cs, Auth/CanonicalRequest.cs) with AWSSDK.S3's
/// signer as the oracle: requests it signs for random keys, prefixes and metadata are accepted; one byte
/// changed in the path, the query, a signed header or the Authorization header is refused with a
/// StrataException, never accepted; any edit anywhere is accepted or refused with a StrataException, never
/// another exception; the canonical URI and query are stable (idempotent, order-free, per the SigV4 encoding).
/// </summary>
public sealed class SigV4Fuzz(ITestOutputHelper output)
{
    // Keys S3 allows that stress the canonical URI: reserved and unreserved ASCII, percent, plus, non-ASCII, astral.
    private static readonly string[] KeyPieces =
    [
        .. "abcXYZ019-._~ !\"#$%&'()*+,:;<=>?@[\\]^`{|}/".Select(c => c.ToString()),
        "ü", "é", "文", "😀", "\u00a0", "%2F", "%41", "..", "//", "+",
    ];

    private static string RandomText(Random random, int min, int max, string[] pieces)
    {
        var text = new StringBuilder();
        for (var n = random.Next(min, max + 1); n > 0; n--) text.Append(pieces[random.Next(pieces.Length)]);
        return text.ToString();
    }

    /// <summary>Requests AWSSDK.S3 signed for random keys: HEAD, GET with overrides, ListObjectsV2, PUT with metadata, presigned GET.</summary>
    private static async Task<List<CapturedRequest>> SignedBySdkAsync(int count, int seed, List<string>? keys = null)
    {
        var random = new Random(seed);
        var handler = new CapturingHandler();
        using var s3 = Sdk.Client(handler, https: false);
        var requests = new List<CapturedRequest>();
        string Ascii(int min, int max) => RandomText(random, min, max, [.. "abcXYZ019 -_.,;:=/+!*'()&?".Select(c => c.ToString())]);
        for (var i = 0; i < count; i++)
        {
            // AWSSDK.S3 4.1 drops a key's leading '/' from the path it sends but signs the path with it
            // ("/x" goes out as /bucket/x, signed as /bucket//x), so no server can accept those requests.
            var key = "k" + RandomText(random, 0, 24, KeyPieces);
            keys?.Add(key);
            var versionId = random.Next(3) == 0 ? Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())) : null;
            requests.Add((i % 5) switch
            {
                0 => await Sdk.CaptureAsync(handler, () => s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = "bucket", Key = key, VersionId = versionId })),
                1 => await Sdk.CaptureAsync(handler, () => s3.GetObjectAsync(new GetObjectRequest
                {
                    BucketName = "bucket",
                    Key = key,
                    VersionId = versionId,
                    ResponseHeaderOverrides = { ContentDisposition = "attachment; filename=\"" + Ascii(1, 12) + "\"", CacheControl = Ascii(0, 8) },
                })),
                2 => await Sdk.CaptureAsync(handler, () => s3.ListObjectsV2Async(new ListObjectsV2Request
                {
                    BucketName = "bucket",
                    Prefix = RandomText(random, 0, 12, KeyPieces),
                    Delimiter = random.Next(2) == 0 ? "/" : null,
                    StartAfter = random.Next(2) == 0 ? key : null,
                    MaxKeys = random.Next(1, 1001),
                })),
                3 => await Sdk.CaptureAsync(handler, () => s3.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = "bucket",
                    Key = key,
                    ContentBody = Ascii(0, 40),
                    UseChunkEncoding = false,
                    ContentType = "text/plain; charset=" + RandomText(random, 1, 6, [.. "abcXYZ019-".Select(c => c.ToString())]),
                    Metadata = { ["note"] = Ascii(1, 20).Trim() is { Length: > 0 } note ? note : "n" },
                })),
                _ => Sdk.FromUrl("GET", await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
                {
                    BucketName = "bucket",
                    Key = key,
                    Verb = HttpVerb.GET,
                    Expires = DateTime.UtcNow.AddHours(1),
                    Protocol = Protocol.HTTP,
                    VersionId = versionId,
                })),
            });
        }
        return requests;
    }

    /// <summary>Verifies the request, reads its payload to the end (where a body's hash is checked) and returns the caller's access key id.</summary>
    private static string Authenticate(Microsoft.AspNetCore.Http.HttpRequest request)
    {
        var result = Sdk.Authenticator().Authenticate(request);
        Http.ReadAllAsync(result.Payload).GetAwaiter().GetResult();
        return result.AccessKeyId;
    }

    /// <summary>
    /// The request as Kestrel would hand it over, or null for what Kestrel itself refuses with 400 before any
    /// application code runs (a path that decodes to a NUL character).
    /// </summary>
    private static Microsoft.AspNetCore.Http.HttpRequest? AsKestrelWouldDeliver(CapturedRequest request)
    {
        try
        {
            return request.Replay();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static int PoolSize => (int)Math.Clamp(FuzzRun.Iterations() / 10, 50, 2000);

    /// <summary>The seed of the SDK-signed pool: STRATA_FUZZ_POOL_SEED repeats one (it is printed).</summary>
    private static readonly int PoolSeed =
        int.TryParse(Environment.GetEnvironmentVariable("STRATA_FUZZ_POOL_SEED"), out var seed) ? seed : Environment.TickCount;

    [Fact]
    public async Task Requests_the_SDK_signs_for_random_keys_are_accepted()
    {
        output.WriteLine($"pool seed {PoolSeed}");
        var keys = new List<string>();
        var requests = await SignedBySdkAsync(PoolSize, PoolSeed, keys);
        foreach (var (request, key) in requests.Zip(keys))
        {
            try
            {
                Assert.Equal(AwsExample.AccessKeyId, Authenticate(request.Replay()));
            }
            catch (Exception error)
            {
                Assert.Fail($"{request.Method} {request.RawTarget} (key {System.Text.Json.JsonSerializer.Serialize(key)}) was refused: {error.Message}\n{string.Join('\n', request.Headers)}");
            }
        }
        FuzzRun.Report("sigv4.sdk_signed", output, ("executions", requests.Count));
    }

    /// <summary>The parts of a signed request a mutation may touch.</summary>
    private static List<string> Parts(CapturedRequest request)
    {
        var parts = new List<string> { "path", "query" };
        var authorization = request.Header("Authorization");
        var signed = authorization is null
            ? ["host"]
            : authorization[(authorization.IndexOf("SignedHeaders=", StringComparison.Ordinal) + 14)..].Split(',')[0].Split(';');
        foreach (var (name, _) in request.Headers)
        {
            if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) || signed.Contains(name.ToLowerInvariant())) parts.Add(name);
        }
        return parts;
    }

    private static string Get(CapturedRequest request, string part)
    {
        var question = request.RawTarget.IndexOf('?');
        return part switch
        {
            "path" => question < 0 ? request.RawTarget : request.RawTarget[..question],
            "query" => question < 0 ? "" : request.RawTarget[(question + 1)..],
            _ => request.Header(part)!,
        };
    }

    private static CapturedRequest With(CapturedRequest request, string part, string value)
    {
        var question = request.RawTarget.IndexOf('?');
        var (path, query) = (Get(request, "path"), Get(request, "query"));
        return part switch
        {
            "path" => request with { RawTarget = value + (question < 0 ? "" : "?" + query) },
            "query" => request with { RawTarget = path + (value.Length > 0 ? "?" + value : "") },
            _ => request with { Headers = [.. request.Headers.Select(h => h.Name == part ? (h.Name, value) : h)] },
        };
    }

    /// <summary>
    /// Positions where one changed character must change the signed request: a letter or digit outside a %XX
    /// escape (whose hex case is not signed). The replacement differs from it in more than case, because hex
    /// signatures and hashes are read either way.
    /// </summary>
    private static List<int> SignificantPositions(string value, string part)
    {
        var positions = new List<int>();
        for (var i = part == "path" ? 1 : 0; i < value.Length; i++)
        {
            var inEscape = (i >= 1 && value[i - 1] == '%') || (i >= 2 && value[i - 2] == '%' && char.IsAsciiHexDigit(value[i - 1]));
            if (char.IsAsciiLetterOrDigit(value[i]) && !inEscape) positions.Add(i);
        }
        return positions;
    }

    private const string Alphanumerics = "abcdefghijklmnopqrstuvwxyz0123456789";

    [Fact]
    public async Task One_changed_character_in_a_signed_part_is_refused_with_a_StrataException_never_accepted()
    {
        output.WriteLine($"pool seed {PoolSeed}");
        var requests = await SignedBySdkAsync(PoolSize, PoolSeed + 1);
        long anonymous = 0;
        var executions = FuzzRun.Check("sigv4.one_char_changed", Gen.Select(Gen.Int[0, requests.Count - 1], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Gen.Int[0, Alphanumerics.Length - 1]), t =>
        {
            var (index, partChoice, positionChoice, replacementChoice) = t;
            var request = requests[index];
            var parts = Parts(request).Where(p => SignificantPositions(Get(request, p), p).Count > 0).ToList();
            var part = parts[partChoice % parts.Count];
            var value = Get(request, part);
            var positions = SignificantPositions(value, part);
            var at = positions[positionChoice % positions.Count];
            var replacement = Alphanumerics[replacementChoice];
            if (char.ToLowerInvariant(value[at]) == replacement) replacement = Alphanumerics[(replacementChoice + 1) % Alphanumerics.Length];
            var mutated = With(request, part, value[..at] + replacement + value[(at + 1)..]);
            string? caller = null;

            // A presigned URL whose X-Amz-Algorithm was renamed is no longer presigned: it is anonymous, which
            // the authorizer then refuses (only a bucket policy can grant it anything). That is not acceptance.
            if (FuzzRun.RefusesOnlyWithStrataException(() => caller = Authenticate(mutated.Replay())) && caller!.Length > 0)
            {
                Assert.Fail($"accepted as {caller} with {part} changed at {at}: \"{value}\" -> \"{Get(mutated, part)}\"");
            }
            if (caller is "") anonymous++;
        }, output, print: t => $"request {t.Item1} {requests[t.Item1].Method} {requests[t.Item1].RawTarget}");
        FuzzRun.Report("sigv4.one_char_changed", output, ("executions", executions), ("refused", executions - anonymous), ("became_anonymous", anonymous));
    }

    private static readonly byte[][] Tokens = [.. new[]
    {
        "%", "%2F", "%2f", "%25", "%00", "%zz", "+", "&", "=", "/", "..", "?", "#", ";", ",", " ", "\t", "ü", "😀", "\uFFFD",
        "X-Amz-Signature=", "X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Expires=0", "&X-Amz-Date=", "Credential=", "SignedHeaders=", "Signature=",
        "AWS4-HMAC-SHA256 ", "host", ";host", "UNSIGNED-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "20130524T000000Z", "/aws4_request", "\"",
    }.Select(Encoding.UTF8.GetBytes)];

    /// <summary>Header values as Kestrel delivers them: visible ASCII, space and tab.</summary>
    private static string AsHeaderValue(string value) => new([.. value.Select(c => c is '\t' or (>= ' ' and <= '~') ? c : '?')]);

    [Fact]
    public async Task Any_edit_of_a_signed_request_is_accepted_or_refused_with_a_StrataException()
    {
        output.WriteLine($"pool seed {PoolSeed}");
        var requests = await SignedBySdkAsync(PoolSize, PoolSeed + 2);
        FuzzRun.Check("sigv4.edited", Gen.Select(Gen.Int[0, requests.Count - 1], Gen.Int[0, int.MaxValue], Mutations.Some), t =>
        {
            var (index, partChoice, mutations) = t;
            var request = requests[index];
            var parts = Parts(request);
            parts.AddRange(request.Headers.Select(h => h.Name).Where(n => !parts.Contains(n)));
            var part = parts[partChoice % parts.Count];
            var value = Encoding.UTF8.GetString(Mutation.Apply(Encoding.UTF8.GetBytes(Get(request, part)), mutations, Tokens));
            if (part == "path" && !value.StartsWith('/')) value = "/" + value;
            if (part is not ("path" or "query")) value = AsHeaderValue(value);
            if (AsKestrelWouldDeliver(With(request, part, value)) is { } mutated) FuzzRun.RefusesOnlyWithStrataException(() => Authenticate(mutated));
        }, output, print: t => $"request {t.Item1} {requests[t.Item1].Method} {requests[t.Item1].RawTarget} mutations=[{string.Join(' ', t.Item3)}]");
    }

    private static string Canonical(string raw, bool query)
    {
        var writer = new PooledByteWriter(16);
        try
        {
            if (query) CanonicalRequest.WriteQuery(ref writer, raw, skipSignature: false);
            else CanonicalRequest.WriteUri(ref writer, raw);
            return Encoding.ASCII.GetString(writer.WrittenSpan);
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>SigV4's URI encoding, written from its definition: decode %XX once, then escape every byte but A-Za-z0-9-._~ (and '/').</summary>
    private static string Reference(string raw)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '%' && i + 2 < raw.Length && char.IsAsciiHexDigit(raw[i + 1]) && char.IsAsciiHexDigit(raw[i + 2]))
            {
                bytes.Add(Convert.ToByte(raw.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (char.IsSurrogatePair(raw, i))
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(raw.Substring(i++, 2)));
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(raw[i].ToString()));
            }
        }
        var text = new StringBuilder();
        foreach (var b in bytes)
        {
            if (char.IsAsciiLetterOrDigit((char)b) || (char)b is '-' or '.' or '_' or '~' or '/') text.Append((char)b);
            else text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return text.Length == 0 ? "/" : text.ToString();
    }

    private static readonly Gen<string> RawTexts = Gen.Int.Array[0, 30].Select(picks =>
        string.Concat(picks.Select(p => KeyPieces[(int)((uint)p % (uint)KeyPieces.Length)])));

    [Fact]
    public void The_canonical_uri_is_SigV4s_encoding_and_encoding_it_again_changes_nothing() =>
        FuzzRun.Check("sigv4.canonical_uri", RawTexts, raw =>
        {
            var path = "/bucket/" + raw.Replace("?", "%3F", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal);
            var canonical = Canonical(path, query: false);

            Assert.Equal(Reference(path), canonical);
            Assert.Equal(canonical, Canonical(canonical, query: false));
        }, output, print: raw => raw);

    [Fact]
    public void The_canonical_query_does_not_depend_on_parameter_order_and_encoding_it_again_changes_nothing() =>
        FuzzRun.Check("sigv4.canonical_query", Gen.Select(Gen.Select(RawTexts, RawTexts).Array[0, 8], Gen.Int), t =>
        {
            var (pairs, shuffleSeed) = t;
            string Escape(string s) => s.Replace("&", "%26", StringComparison.Ordinal).Replace("=", "%3D", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal);
            var parameters = pairs.Select(p => Escape(p.Item1) + "=" + Escape(p.Item2)).ToArray();
            var canonical = Canonical(string.Join('&', parameters), query: true);
            new Random(shuffleSeed).Shuffle(parameters);

            Assert.Equal(canonical, Canonical(string.Join('&', parameters), query: true));
            Assert.Equal(canonical, Canonical(canonical, query: true));
        }, output);
}
