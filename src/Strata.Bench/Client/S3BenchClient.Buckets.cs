using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml;

namespace Strata.Bench.Client;

/// <summary>The calls that set up the bench bucket and take away what a run wrote: not measured, so plain rather than lean.</summary>
internal sealed partial class S3BenchClient
{
    /// <summary>HeadBucket: true when the bucket exists (a 403 means it exists and is someone else's, so it is not ours to create or remove).</summary>
    public async Task<bool> BucketExistsAsync(string bucket, CancellationToken cancellationToken)
    {
        using var head = Request(HttpMethod.Head, "/" + bucket, "", SigV4Signer.EmptyPayloadHash);
        using var response = await _http.SendAsync(head, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        if (response.StatusCode == HttpStatusCode.Forbidden) throw new BenchRequestException($"HTTP 403 on HeadBucket {bucket} (not this key's bucket, or the key lacks s3:ListBucket)");
        await EnsureSuccessAsync(response, cancellationToken);
        return true;
    }

    /// <summary>CreateBucket unless <paramref name="exists"/>, then PutBucketVersioning Enabled: the workloads write versions.</summary>
    public async Task CreateVersionedBucketAsync(string bucket, bool exists, CancellationToken cancellationToken)
    {
        if (!exists)
        {
            using var create = Request(HttpMethod.Put, "/" + bucket, "", SigV4Signer.EmptyPayloadHash);
            create.Content = new ByteArrayContent([]);
            using var response = await _http.SendAsync(create, cancellationToken);
            await EnsureSuccessAsync(response, cancellationToken);
        }
        var xml = "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>Enabled</Status></VersioningConfiguration>"u8.ToArray();
        using var versioning = Request(HttpMethod.Put, "/" + bucket, "versioning=", SigV4Signer.UnsignedPayload);
        versioning.Content = new ByteArrayContent(xml);
        using var answer = await _http.SendAsync(versioning, cancellationToken);
        await EnsureSuccessAsync(answer, cancellationToken);
    }

    /// <summary>One ListObjectVersions page under <paramref name="prefix"/>: versions and delete markers alike, with the markers for the next page.</summary>
    public async Task<VersionPage> ListVersionsPageAsync(string bucket, string prefix, string? keyMarker, string? versionIdMarker, CancellationToken cancellationToken)
    {
        var query = keyMarker is null
            ? SigV4Signer.CanonicalQuery(("versions", ""), ("prefix", prefix))
            : SigV4Signer.CanonicalQuery(("versions", ""), ("prefix", prefix), ("key-marker", keyMarker), ("version-id-marker", versionIdMarker ?? ""));
        using var request = Request(HttpMethod.Get, "/" + bucket, query, SigV4Signer.EmptyPayloadHash);
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var xml = XmlReader.Create(body, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, Async = true });
        var page = new VersionPage();
        string? key = null;
        // ReadElementContentAsString leaves the reader on the next node already, so only other nodes advance it.
        await xml.ReadAsync();
        while (!xml.EOF)
        {
            var name = xml.NodeType == XmlNodeType.Element ? (xml.Depth, xml.LocalName) : (-1, "");
            switch (name)
            {
                case (2, "Key"):
                    key = await xml.ReadElementContentAsStringAsync();
                    break;
                case (2, "VersionId"):
                    var versionId = await xml.ReadElementContentAsStringAsync();
                    if (key is not null) page.Versions.Add((key, versionId));
                    key = null;
                    break;
                case (1, "IsTruncated"):
                    page.IsTruncated = await xml.ReadElementContentAsStringAsync() == "true";
                    break;
                case (1, "NextKeyMarker"):
                    page.NextKeyMarker = await xml.ReadElementContentAsStringAsync();
                    break;
                case (1, "NextVersionIdMarker"):
                    page.NextVersionIdMarker = await xml.ReadElementContentAsStringAsync();
                    break;
                default:
                    await xml.ReadAsync();
                    break;
            }
        }
        return page;
    }

    /// <summary>DeleteObjects (quiet) of up to 1000 versions by id; throws when any of them was not deleted.</summary>
    public async Task DeleteVersionsAsync(string bucket, IReadOnlyList<(string Key, string VersionId)> versions, CancellationToken cancellationToken)
    {
        var xml = new StringBuilder("<Delete><Quiet>true</Quiet>");
        foreach (var (key, versionId) in versions)
        {
            xml.Append("<Object><Key>").Append(System.Security.SecurityElement.Escape(key)).Append("</Key><VersionId>")
                .Append(System.Security.SecurityElement.Escape(versionId)).Append("</VersionId></Object>");
        }
        var payload = Encoding.UTF8.GetBytes(xml.Append("</Delete>").ToString());
        using var request = Request(HttpMethod.Post, "/" + bucket, "delete=", SigV4Signer.UnsignedPayload);
        request.Content = new ByteArrayContent(payload);
        // S3: DeleteObjects requires Content-MD5 (or a checksum header).
        request.Content.Headers.ContentMD5 = MD5.HashData(payload);
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        var answer = await response.Content.ReadAsStringAsync(cancellationToken);
        if (answer.Contains("<Error>", StringComparison.Ordinal)) throw new BenchRequestException($"DeleteObjects: {Between(answer, "<Code>", "</Code>")}");
    }

    public async Task DeleteBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Delete, "/" + bucket, "", SigV4Signer.EmptyPayloadHash);
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }
}

/// <summary>A ListObjectVersions page reduced to what cleaning up needs.</summary>
internal sealed class VersionPage
{
    public List<(string Key, string VersionId)> Versions { get; } = [];
    public bool IsTruncated { get; set; }
    public string? NextKeyMarker { get; set; }
    public string? NextVersionIdMarker { get; set; }
}
