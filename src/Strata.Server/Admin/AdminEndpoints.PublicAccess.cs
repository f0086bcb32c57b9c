using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Core.PublicAccess;
using Strata.Engine.Settings;
using Strata.Server.Xml;

namespace Strata.Server.Admin;

/// <summary>
/// The server-wide Block Public Access default: each bucket created after it is set starts with these settings as its
/// own PublicAccessBlock configuration (GetPublicAccessBlock shows them; its owner may change or delete them). Buckets
/// that already exist keep theirs. With no default, new buckets have none, as before.
/// </summary>
internal sealed partial class AdminEndpoints
{
    private static readonly string[] PublicAccessFlags = ["blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets"];

    private Task GetPublicAccessDefaultAsync(HttpContext http) =>
        WritePublicAccessDefaultAsync(http, engine.GetServerSetting(ServerSettingName.DefaultPublicAccessBlock) is { } document
            ? PublicAccessBlockXml.Read(document)
            : null);

    /// <summary>PUT ?blockPublicAcls=true&amp;…: each of the four flags true or false, a missing one false, as S3 reads a missing element.</summary>
    private async Task PutPublicAccessDefaultAsync(HttpContext http)
    {
        foreach (var (name, _) in http.Request.Query)
        {
            if (Array.IndexOf(PublicAccessFlags, name) < 0) S3Fail.With(StrataError.InvalidArgument, $"Unknown setting {name}; the settings are {string.Join(", ", PublicAccessFlags)}.");
        }
        var settings = new PublicAccessBlock(Flag(http, PublicAccessFlags[0]), Flag(http, PublicAccessFlags[1]), Flag(http, PublicAccessFlags[2]), Flag(http, PublicAccessFlags[3]));
        await engine.PutServerSettingAsync(ServerSettingName.DefaultPublicAccessBlock, PublicAccessBlockXml.Write(settings));
        await WritePublicAccessDefaultAsync(http, settings);
    }

    private async Task DeletePublicAccessDefaultAsync(HttpContext http)
    {
        await engine.PutServerSettingAsync(ServerSettingName.DefaultPublicAccessBlock, null);
        http.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static bool Flag(HttpContext http, string name) => http.Request.Query[name].ToString() switch
    {
        "" or "false" => false,
        "true" => true,
        var other => throw S3Fail.Exception(StrataError.InvalidArgument, $"{name} must be true or false, not \"{other}\"."),
    };

    private static Task WritePublicAccessDefaultAsync(HttpContext http, PublicAccessBlock? settings) => WriteJsonAsync(http, w =>
    {
        w.WriteBoolean("set", settings is not null);
        if (settings is not { } s) return;
        w.WriteBoolean(PublicAccessFlags[0], s.BlockPublicAcls);
        w.WriteBoolean(PublicAccessFlags[1], s.IgnorePublicAcls);
        w.WriteBoolean(PublicAccessFlags[2], s.BlockPublicPolicy);
        w.WriteBoolean(PublicAccessFlags[3], s.RestrictPublicBuckets);
    });
}
