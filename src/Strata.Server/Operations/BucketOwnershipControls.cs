using System.Xml;
using Strata.Core;
using Strata.Core.Acls;
using Strata.Engine.Buckets;
using Strata.Server.Auth;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>
/// GetBucketOwnershipControls, PutBucketOwnershipControls, DeleteBucketOwnershipControls: one rule naming the bucket's
/// Object Ownership. A bucket without controls (OwnershipControlsNotFoundError) behaves as ObjectWriter: ACLs apply.
/// </summary>
internal static class BucketOwnershipControls
{
    public const string Header = "x-amz-object-ownership";

    public static async Task GetAsync(S3Context ctx)
    {
        var text = ctx.Engine.GetBucketConfig(ctx.S3.RequireBucket(), BucketConfigKind.Ownership)
            ?? throw S3Fail.Exception(StrataError.OwnershipControlsNotFoundError);
        await using var xml = S3Xml.CreateWriter(ctx.Response);
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "OwnershipControls", S3Xml.Namespace);
        await xml.WriteStartElementAsync(null, "Rule", null);
        await xml.ElementAsync("ObjectOwnership", text);
        await xml.WriteEndElementAsync();
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }

    public static async Task PutAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        ctx.Engine.GetBucket(bucket); // NoSuchBucket before the body
        var ownership = await ReadAsync(ctx);
        // S3: ACLs cannot be disabled while the bucket's ACL grants anyone but its owner.
        if (ownership == ObjectOwnership.BucketOwnerEnforced
            && AclHeaders.BucketAcl(ctx.Engine, bucket, ctx.Authorizer.Identity).GrantsOutside(ctx.Authorizer.Identity.BucketOwnerId(bucket)))
        {
            S3Fail.With(StrataError.InvalidBucketAclWithObjectOwnership);
        }
        await ctx.Engine.PutBucketConfigAsync(bucket, BucketConfigKind.Ownership, ownership.ToString());
        ctx.Authorizer.Forget(bucket);
    }

    public static async Task DeleteAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        await ctx.Engine.DeleteBucketConfigAsync(bucket, BucketConfigKind.Ownership);
        ctx.Authorizer.Forget(bucket);
        ctx.Response.StatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status204NoContent;
    }

    /// <summary>x-amz-object-ownership on CreateBucket: null when absent; an unknown value is InvalidArgument.</summary>
    public static ObjectOwnership? FromHeader(string? value) => value is null
        ? null
        : ObjectOwnerships.Parse(value) ?? throw S3Fail.Exception(StrataError.InvalidArgument, $"Invalid x-amz-object-ownership header: {value}");

    // <OwnershipControls><Rule><ObjectOwnership>…</ObjectOwnership></Rule></OwnershipControls>: exactly one rule.
    private static async Task<ObjectOwnership> ReadAsync(S3Context ctx)
    {
        var values = new List<string>();
        var rules = 0;
        try
        {
            using var xml = S3Xml.CreateReader(ctx.Caller.Payload);
            while (await xml.ReadAsync())
            {
                if (xml.NodeType != XmlNodeType.Element) continue;
                switch (xml.LocalName)
                {
                    case "OwnershipControls":
                        break;
                    case "Rule":
                        rules++;
                        break;
                    case "ObjectOwnership":
                        values.Add(await xml.ReadElementContentAsStringAsync());
                        break;
                    default:
                        throw S3Fail.Exception(StrataError.MalformedXML);
                }
            }
        }
        catch (XmlException)
        {
            S3Fail.With(StrataError.MalformedXML);
        }
        if (rules != 1 || values.Count != 1) S3Fail.With(StrataError.MalformedXML);
        return ObjectOwnerships.Parse(values[0]) ?? throw S3Fail.Exception(StrataError.MalformedXML);
    }
}
