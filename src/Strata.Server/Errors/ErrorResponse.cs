using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Server.Xml;

namespace Strata.Server.Errors;

/// <summary>Writes S3's XML error body: Code, Message, Resource, RequestId (none for HEAD or 304).</summary>
internal static class ErrorResponse
{
    public static async Task WriteAsync(HttpContext http, StrataException error, string resource, string requestId)
    {
        var response = http.Response;
        Hosting.AccessLog.NoteError(http, error.Error);
        Hosting.RequestMetrics.Refused(error);
        response.StatusCode = S3ErrorMap.StatusOf(error.Error);
        if (error.Headers is not null)
        {
            foreach (var (name, value) in error.Headers) response.Headers[name] = value;
        }
        if (HttpMethods.IsHead(http.Request.Method) || response.StatusCode == StatusCodes.Status304NotModified) return;
        await using var xml = S3Xml.CreateWriter(response);
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "Error", null);
        await xml.ElementAsync("Code", error.Error.ToString());
        await xml.ElementAsync("Message", error.Message);
        if (error.Details is not null)
        {
            foreach (var (name, value) in error.Details) await xml.ElementAsync(name, value);
        }
        await xml.ElementAsync("Resource", resource);
        await xml.ElementAsync("RequestId", requestId);
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }
}
