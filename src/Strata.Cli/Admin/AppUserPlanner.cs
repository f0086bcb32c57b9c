using System.Text.Json;
using Strata.Client.Connection;
using Strata.Client.Setup;

namespace Strata.Cli.Admin;

/// <summary>
/// `strata apply`'s part on Strata's own server: the application's user and its least-privilege policy, through
/// the admin API with the root's keys. Another endpoint has no admin API; that is said plainly and apply goes on.
/// </summary>
internal static class AppUserPlanner
{
    /// <summary>Adds the user's changes; returns the admin client the changes use, for the caller to dispose after running them.</summary>
    public static async Task<IDisposable?> PlanAsync(SetupFile setup, EndpointOptions connection, S3ConnectionOptions options, List<PlannedChange> changes, List<string> blocked, CancellationToken cancellationToken)
    {
        if (setup.AppUser is not { } user) return null;
        if (setup.Media is not { } media)
        {
            blocked.Add($"user {user.Name}: no media bucket in the file to give it access to");
            return null;
        }
        if (connection.Endpoint is null || S3Connection.ResolveKeys(options) is not { } keys)
        {
            blocked.Add($"user {user.Name}: users are made on Strata's server only (give --endpoint-url and the root's keys)");
            return null;
        }
        var admin = new AdminClient(connection.Endpoint, keys.AccessKey, keys.SecretKey, S3Connection.ResolveRegion(options), options.CaBundle);
        var policy = AppUserPolicy.For(media.Name);
        bool exists, current;
        try
        {
            using var users = await admin.SendAsync(HttpMethod.Get, "users", cancellationToken: cancellationToken);
            exists = users is not null && users.RootElement.GetProperty("users").EnumerateArray().Any(u => u.GetProperty("name").GetString() == user.Name);
            current = exists && await HasPolicyAsync(admin, user.Name, policy, cancellationToken);
        }
        catch (Exception e) when (e is AdminException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            admin.Dispose();
            blocked.Add($"user {user.Name}: the endpoint's admin API did not answer as Strata's does ({e.Message}); users are made on Strata's server only");
            return null;
        }
        if (!exists)
        {
            changes.Add(new($"user {user.Name}", "create the application's user", async ct =>
                (await admin.SendAsync(HttpMethod.Post, "users", [("name", user.Name)], cancellationToken: ct))?.Dispose()));
        }
        if (!current)
        {
            changes.Add(new($"user {user.Name}", $"policy {AppUserPolicy.Name}: put, get, list, delete behind a marker on {media.Name}; never destroy a version", async ct =>
                (await admin.SendAsync(HttpMethod.Put, $"users/{user.Name}/policies/{AppUserPolicy.Name}", body: policy, cancellationToken: ct))?.Dispose()));
        }
        return admin;
    }

    private static async Task<bool> HasPolicyAsync(AdminClient admin, string user, string policy, CancellationToken cancellationToken)
    {
        using var policies = await admin.SendAsync(HttpMethod.Get, $"users/{user}/policies", cancellationToken: cancellationToken);
        return policies is not null && policies.RootElement.GetProperty("policies").EnumerateArray()
            .Any(p => p.GetProperty("name").GetString() == AppUserPolicy.Name && p.GetProperty("document").GetString() == policy);
    }
}
