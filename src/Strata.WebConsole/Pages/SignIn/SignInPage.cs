using Amazon.S3;
using Microsoft.AspNetCore.Http;
using Strata.WebConsole.Hosting;
using Strata.WebConsole.Rendering;
using Strata.WebConsole.Security;

namespace Strata.WebConsole.Pages.SignIn;

/// <summary>
/// Sign-in with an access key id and secret, checked by one ListBuckets with them through this server; sign-out ends
/// the session on the server, so its cookie no longer works.
/// </summary>
internal static class SignInPage
{
    private const string WrongPair = "The access key or secret key is not right.";

    public static Task ShowAsync(ConsoleContext ctx)
    {
        var returnTo = ReturnPath.Safe(ctx.Query("return"));
        if (ctx.SessionOrNull is not null) return ctx.RedirectAsync(returnTo);
        return RenderAsync(ctx, returnTo, null, null);
    }

    public static async Task SubmitAsync(ConsoleContext ctx)
    {
        var returnTo = ReturnPath.Safe(ctx.Form("return"));
        var accessKeyId = (ctx.Form("accessKeyId") ?? "").Trim();
        var secretKey = ctx.Form("secretKey") ?? "";
        if (accessKeyId.Length == 0 || secretKey.Length == 0)
        {
            await RenderAsync(ctx, returnTo, accessKeyId, new Notice("Enter both the access key ID and the secret access key.", IsRefusal: true), StatusCodes.Status400BadRequest);
            return;
        }
        var s3 = ctx.Services.Clients.Create(accessKeyId, secretKey);
        try
        {
            await s3.ListBucketsAsync(ctx.Aborted);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "AccessDenied")
        {
            // The pair signed correctly; the key may just not list buckets. Its pages show the refusals.
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "InvalidClientTokenId")
        {
            s3.Dispose();
            // Which of the two was wrong is not said: that would tell a guesser the key id exists.
            await RenderAsync(ctx, returnTo, accessKeyId, new Notice(WrongPair, IsRefusal: true), StatusCodes.Status401Unauthorized);
            return;
        }
        catch
        {
            s3.Dispose();
            throw;
        }
        // A new id at every sign-in: an id known before signing in (fixation) never becomes a session.
        if (SessionCookie.Read(ctx.Http.Request) is { } previous) ctx.Services.Sessions.End(previous);
        var session = ctx.Services.Sessions.Start(accessKeyId, s3);
        SessionCookie.Write(ctx.Http, session.Id);
        await ctx.RedirectAsync(returnTo);
    }

    public static Task SignOutAsync(ConsoleContext ctx)
    {
        ctx.Services.Sessions.End(ctx.Session.Id);
        SessionCookie.Clear(ctx.Http);
        return ctx.RedirectAsync(ConsolePaths.SignIn);
    }

    private static Task RenderAsync(ConsoleContext ctx, string returnTo, string? accessKeyId, Notice? notice, int status = StatusCodes.Status200OK) =>
        ctx.RenderAsync<SignInView>(new Dictionary<string, object?>
        {
            ["Chrome"] = ctx.Chrome("Sign in", notice) with { AccessKeyId = null, CsrfToken = null },
            ["ReturnTo"] = returnTo,
            ["AccessKeyId"] = accessKeyId,
        }, status);
}
