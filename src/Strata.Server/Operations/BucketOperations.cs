using System.Xml;
using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>CreateBucket, HeadBucket, DeleteBucket, ListBuckets, GetBucketLocation.</summary>
internal static class BucketOperations
{
    public static async Task CreateBucketAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        var configs = BucketAcls.InitialConfigs(ctx);
        await ReadLocationConstraintAsync(ctx);
        // S3: x-amz-bucket-object-lock-enabled: true creates the bucket with versioning Enabled and Object Lock on,
        // which needs the permissions of both settings as well.
        var objectLock = string.Equals(ctx.Request.Header("x-amz-bucket-object-lock-enabled")?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        if (objectLock)
        {
            ctx.Require("s3:PutBucketObjectLockConfiguration", bucket, null);
            ctx.Require("s3:PutBucketVersioning", bucket, null);
        }
        // The bucket belongs to the caller's account (null: the server's own account, which has no row).
        var owner = ctx.Principal.Account is { } account && account != ctx.Authenticator.Credentials.Own ? account.AccountId : null;
        await ctx.Engine.CreateBucketAsync(bucket, ctx.Settings.Region, owner, objectLock, configs);
        ctx.Authorizer.Forget(bucket);
        ctx.Response.Headers.Location = "/" + bucket.Value;
    }

    // S3: an optional CreateBucketConfiguration; a LocationConstraint must name this server's region.
    private static async Task ReadLocationConstraintAsync(S3Context ctx)
    {
        if (ctx.Request.ContentLength is null or 0 && ctx.Caller.PayloadLength is null or 0) return;
        string? location = null;
        try
        {
            using var xml = S3Xml.CreateReader(ctx.Caller.Payload);
            while (await xml.ReadAsync())
            {
                if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "LocationConstraint") location = await xml.ReadElementContentAsStringAsync();
            }
        }
        catch (XmlException)
        {
            S3Fail.With(StrataError.MalformedXML);
        }
        // "EU" is S3's legacy name of eu-west-1, which the SDKs still send for it.
        if (location == "EU") location = "eu-west-1";
        if (!string.IsNullOrEmpty(location) && location != ctx.Settings.Region)
        {
            S3Fail.With(StrataError.InvalidArgument, $"The specified location-constraint is not valid for this server (region {ctx.Settings.Region}).");
        }
    }

    public static Task HeadBucketAsync(S3Context ctx)
    {
        var bucket = ctx.Engine.GetBucket(ctx.S3.RequireBucket());
        ctx.Response.Headers["x-amz-bucket-region"] = bucket.Region;
        return Task.CompletedTask;
    }

    public static async Task DeleteBucketAsync(S3Context ctx)
    {
        await ctx.Engine.DeleteBucketAsync(ctx.S3.RequireBucket());
        ctx.Authorizer.Forget(ctx.S3.RequireBucket());
        ctx.Lifecycle.Forget(ctx.S3.RequireBucket());
        ctx.Cors.Forget(ctx.S3.RequireBucket());
        ctx.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public static async Task ListBucketsAsync(S3Context ctx)
    {
        // S3: ListBuckets lists the buckets of the caller's account, and that account as Owner.
        var credentials = ctx.Authenticator.Credentials;
        var account = ctx.Principal.Account ?? credentials.Own;
        var buckets = ctx.Engine.ListBucketsOwnedBy(account == credentials.Own ? null : account.AccountId);
        await using var xml = S3Xml.CreateWriter(ctx.Response);
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "ListAllMyBucketsResult", S3Xml.Namespace);
        await WriteOwnerAsync(xml, account);
        await xml.WriteStartElementAsync(null, "Buckets", null);
        foreach (var bucket in buckets)
        {
            await xml.WriteStartElementAsync(null, "Bucket", null);
            await xml.ElementAsync("Name", bucket.Name.Value);
            await xml.ElementAsync("CreationDate", S3Xml.Timestamp(bucket.Created));
            await xml.ElementAsync("BucketRegion", bucket.Region);
            await xml.WriteEndElementAsync();
        }
        await xml.WriteEndElementAsync();
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }

    public static async Task GetBucketLocationAsync(S3Context ctx)
    {
        var bucket = ctx.Engine.GetBucket(ctx.S3.RequireBucket());
        await using var xml = S3Xml.CreateWriter(ctx.Response);
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "LocationConstraint", S3Xml.Namespace);
        // S3 answers an empty constraint for us-east-1.
        if (bucket.Region != "us-east-1") await xml.WriteStringAsync(bucket.Region);
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }

    public static async Task WriteOwnerAsync(XmlWriter xml, Auth.Account owner, string element = "Owner")
    {
        await xml.WriteStartElementAsync(null, element, null);
        await xml.ElementAsync("ID", owner.CanonicalId);
        await xml.ElementAsync("DisplayName", owner.DisplayName);
        await xml.WriteEndElementAsync();
    }
}
