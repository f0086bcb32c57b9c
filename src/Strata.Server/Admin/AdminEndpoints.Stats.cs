using Microsoft.AspNetCore.Http;
using Strata.Core;

namespace Strata.Server.Admin;

/// <summary>
/// GET /_strata/admin/stats[?bucket=NAME]: each bucket's objects, versions, delete markers, current and noncurrent bytes
/// and open multipart uploads (the figures /metrics shows as strata_bucket_*), and the blob store's files and bytes.
/// Read from the counters the engine keeps in memory: no scan.
/// </summary>
internal sealed partial class AdminEndpoints
{
    private Task StatsAsync(HttpContext http)
    {
        var name = http.Request.Query["bucket"].ToString();
        if (name.Length > 0)
        {
            if (!BucketName.TryParse(name, out var bucket)) S3Fail.With(StrataError.InvalidBucketName);
            engine.GetBucket(bucket); // NoSuchBucket, in S3's words
        }
        var buckets = engine.BucketFigures(name.Length == 0 ? null : name);
        var (files, bytes) = engine.BlobStoreFigures();
        return WriteJsonAsync(http, w =>
        {
            w.WriteStartArray("buckets");
            foreach (var b in buckets)
            {
                w.WriteStartObject();
                w.WriteString("bucket", b.Bucket);
                w.WriteNumber("objects", b.Objects);
                w.WriteNumber("versions", b.Versions);
                w.WriteNumber("deleteMarkers", b.DeleteMarkers);
                w.WriteNumber("currentBytes", b.CurrentBytes);
                w.WriteNumber("noncurrentBytes", b.NoncurrentBytes);
                w.WriteNumber("multipartUploads", b.MultipartUploads);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (name.Length > 0) return;
            w.WriteNumber("blobFiles", files);
            w.WriteNumber("blobBytes", bytes);
        });
    }
}
