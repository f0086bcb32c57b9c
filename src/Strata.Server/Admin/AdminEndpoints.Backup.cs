using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Engine.Backup;

namespace Strata.Server.Admin;

/// <summary>
/// POST /_strata/admin/backup?destination=/abs/path[&amp;copy=true]: backs the server up into a directory on its own machine while it
/// serves, and answers the run's figures once the backup's manifest is committed. A client that goes away cancels the run,
/// which leaves the previous backup in that directory as it was.
/// </summary>
internal sealed partial class AdminEndpoints
{
    private async Task BackupAsync(HttpContext http)
    {
        var destination = http.Request.Query["destination"].ToString();
        if (destination.Length == 0) S3Fail.With(StrataError.InvalidArgument, "destination is required: the absolute path of a directory on the server's machine");
        BackupReport report;
        try
        {
            report = await engine.BackupAsync(destination, http.Request.Query["copy"] == "true", http.RequestAborted);
        }
        catch (BackupRefusedException refused)
        {
            throw S3Fail.Exception(refused.Usage ? StrataError.InvalidArgument : StrataError.InvalidRequest, refused.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The operator's own directory: what went wrong there (permission, space) is theirs to know and fix.
            throw S3Fail.Exception(StrataError.InvalidRequest, $"The backup into {destination} failed: {e.Message} The previous backup there, if any, is unchanged.");
        }
        await WriteJsonAsync(http, w => BackupReportJson.Write(w, report));
    }
}
