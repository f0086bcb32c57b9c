using Microsoft.AspNetCore.Http;
using Strata.Core;

namespace Strata.Server.Admin;

/// <summary>
/// Accounts besides the server's own (docs/ADMIN-API.md): each has a root user with one access key and owns the
/// buckets it creates; users (IAM) stay in the server's own account.
/// </summary>
internal sealed partial class AdminEndpoints
{
    private async Task CreateAccountAsync(HttpContext http)
    {
        var name = http.Request.Query["name"].ToString();
        if (!IamName().IsMatch(name)) S3Fail.With(StrataError.InvalidArgument, "An account name is 1 to 64 of the characters A-Z a-z 0-9 _ + = , . @ -");
        var (account, secret) = await engine.CreateAccountAsync(name, authenticator.Credentials.AccountId);
        authenticator.Credentials.Reload(engine);
        // The secret is shown this once; it is never logged.
        await WriteJsonAsync(http, w =>
        {
            w.WriteString("name", account.Name);
            w.WriteString("accountId", account.AccountId);
            w.WriteString("canonicalId", account.CanonicalId);
            w.WriteString("accessKeyId", account.AccessKeyId);
            w.WriteString("secretAccessKey", secret);
            w.WriteString("created", account.Created);
        });
    }

    private Task ListAccountsAsync(HttpContext http) => WriteJsonAsync(http, w =>
    {
        w.WriteStartArray("accounts");
        foreach (var account in engine.ListAccounts())
        {
            w.WriteStartObject();
            w.WriteString("name", account.Name);
            w.WriteString("accountId", account.AccountId);
            w.WriteString("canonicalId", account.CanonicalId);
            w.WriteString("accessKeyId", account.AccessKeyId);
            w.WriteString("created", account.Created);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });
}
