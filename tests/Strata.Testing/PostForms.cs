using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Strata.Testing;

/// <summary>
/// Browser-upload forms built by the documented algorithm, for what the SDK will not produce (an expired or
/// tampered policy, a SigV2 form, a field too many): the policy is base64 of the JSON, signed with SigV4 as
/// hex(HMAC-SHA256(signing key, policy)) or with SigV2 as base64(HMAC-SHA1(secret, policy)).
/// </summary>
public static class PostForms
{
    /// <summary>The fields of a SigV4-signed form for the policy; <paramref name="conditions"/> is the JSON inside "conditions": [ … ].</summary>
    public static List<KeyValuePair<string, string>> SignedV4(string conditions, DateTimeOffset expiration, DateTimeOffset now,
        string accessKey = StrataServer.AccessKey, string secretKey = StrataServer.SecretKey, string region = "us-east-1")
    {
        var date = now.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var credential = $"{accessKey}/{date}/{region}/s3/aws4_request";
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var policy = Policy($$"""
            {"x-amz-algorithm": "AWS4-HMAC-SHA256"}, {"x-amz-credential": "{{credential}}"}, {"x-amz-date": "{{amzDate}}"}, {{conditions}}
            """, expiration);
        var key = Hmac(Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), date), region), "s3"), "aws4_request");
        return
        [
            new("x-amz-algorithm", "AWS4-HMAC-SHA256"),
            new("x-amz-credential", credential),
            new("x-amz-date", amzDate),
            new("policy", policy),
            new("x-amz-signature", Convert.ToHexStringLower(Hmac(key, policy))),
        ];
    }

    /// <summary>The fields of a SigV2-signed form (AWSAccessKeyId, policy, signature), as s3-tests and older SDKs build it.</summary>
    public static List<KeyValuePair<string, string>> SignedV2(string conditions, DateTimeOffset expiration,
        string accessKey = StrataServer.AccessKey, string secretKey = StrataServer.SecretKey)
    {
        var policy = Policy(conditions, expiration);
        return
        [
            new("AWSAccessKeyId", accessKey),
            new("policy", policy),
            new("signature", Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secretKey), Encoding.UTF8.GetBytes(policy)))),
        ];
    }

    public static string Policy(string conditions, DateTimeOffset expiration)
    {
        var json = $$"""{ "expiration": "{{expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)}}", "conditions": [ {{conditions}} ] }""";
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>multipart/form-data with the fields in order, then the file part (left out when <paramref name="file"/> is null).</summary>
    public static MultipartFormDataContent Content(IEnumerable<KeyValuePair<string, string>> fields, byte[]? file, string fileName = "upload.bin")
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, value) in fields) content.Add(new StringContent(value), name);
        if (file is not null)
        {
            var part = new ByteArrayContent(file);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Add(part, "file", fileName);
        }
        return content;
    }

    private static byte[] Hmac(byte[] key, string text) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text));
}
