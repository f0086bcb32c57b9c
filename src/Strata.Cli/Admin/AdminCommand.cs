using System.CommandLine;
using System.Text.Json;
using Strata.Client.Connection;

namespace Strata.Cli.Admin;

/// <summary>
/// `strata admin`: users, access keys, policies, other accounts, the root user's MFA device and the Block Public Access default, through the admin API.
/// Prints a readable table by default and the server's JSON with --json.
/// </summary>
internal static class AdminCommand
{
    // The same endpoint, profile, region and CA options as every client command; a local server when none is given.
    private static readonly EndpointOptions Connection = new("http://127.0.0.1:9000", recursive: true);

    private static readonly Option<bool> Json = new("--json") { Description = "Print the server's JSON", Recursive = true };

    public static Command Create()
    {
        var admin = new Command("admin", "Manage users, access keys, policies, accounts, MFA Delete's device and the Block Public Access default as the root user "
            + "(keys from --profile, else STRATA_ROOT_ACCESS_KEY/STRATA_ROOT_SECRET_KEY, else AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, else the default profile)");
        Connection.AddTo(admin);
        admin.Options.Add(Json);

        var name = new Argument<string>("name");
        var user = new Command("user", "Users");
        user.Subcommands.Add(Leaf("add", "Create a user", [name], (p, c) => c.SendAsync(HttpMethod.Post, "users", [("name", p.GetValue(name)!)])));
        user.Subcommands.Add(Leaf("list", "List users", [], (_, c) => c.SendAsync(HttpMethod.Get, "users")));
        user.Subcommands.Add(Leaf("remove", "Remove a user with its keys and policies", [name], (p, c) => c.SendAsync(HttpMethod.Delete, "users/" + p.GetValue(name))));
        admin.Subcommands.Add(user);

        var owner = new Argument<string>("user");
        var keyId = new Argument<string>("access-key-id");
        var userFilter = new Option<string?>("--user") { Description = "Only this user's keys" };
        var key = new Command("key", "Access keys");
        key.Subcommands.Add(Leaf("create", "Create an access key for a user (the secret is shown once)", [owner], (p, c) => c.SendAsync(HttpMethod.Post, $"users/{p.GetValue(owner)}/keys")));
        key.Subcommands.Add(Leaf("list", "List access keys", [userFilter], (p, c) =>
            c.SendAsync(HttpMethod.Get, "keys", p.GetValue(userFilter) is { } u ? [("user", u)] : null)));
        key.Subcommands.Add(Leaf("disable", "Disable an access key", [keyId], (p, c) => c.SendAsync(HttpMethod.Post, "keys/" + p.GetValue(keyId), [("status", "Inactive")])));
        key.Subcommands.Add(Leaf("enable", "Enable an access key again", [keyId], (p, c) => c.SendAsync(HttpMethod.Post, "keys/" + p.GetValue(keyId), [("status", "Active")])));
        key.Subcommands.Add(Leaf("delete", "Delete an access key", [keyId], (p, c) => c.SendAsync(HttpMethod.Delete, "keys/" + p.GetValue(keyId))));
        admin.Subcommands.Add(key);

        var policyName = new Argument<string>("policy-name");
        var file = new Option<FileInfo>("--file") { Description = "The IAM policy document (JSON)", Required = true };
        var policy = new Command("policy", "User policies (IAM JSON)");
        policy.Subcommands.Add(Leaf("attach", "Attach (or replace) a user's policy", [owner, policyName, file], async (p, c) =>
            await c.SendAsync(HttpMethod.Put, $"users/{p.GetValue(owner)}/policies/{p.GetValue(policyName)}", body: await File.ReadAllTextAsync(p.GetValue(file)!.FullName))));
        policy.Subcommands.Add(Leaf("detach", "Remove a user's policy", [owner, policyName], (p, c) => c.SendAsync(HttpMethod.Delete, $"users/{p.GetValue(owner)}/policies/{p.GetValue(policyName)}")));
        policy.Subcommands.Add(Leaf("show", "Show a user's policies", [owner], (p, c) => c.SendAsync(HttpMethod.Get, $"users/{p.GetValue(owner)}/policies")));
        admin.Subcommands.Add(policy);

        var accountName = new Argument<string>("name");
        var account = new Command("account", "Other accounts: each has its own root key and buckets (users stay in the server's own account)");
        account.Subcommands.Add(Leaf("create", "Create an account: its account id, canonical id and root key (the secret is shown once)", [accountName],
            (p, c) => c.SendAsync(HttpMethod.Post, "accounts", [("name", p.GetValue(accountName)!)])));
        account.Subcommands.Add(Leaf("list", "List the other accounts", [], (_, c) => c.SendAsync(HttpMethod.Get, "accounts")));
        account.Subcommands.Add(Leaf("delete", "Delete an account and its key (refused while it owns buckets)", [accountName],
            (p, c) => c.SendAsync(HttpMethod.Delete, "accounts/" + p.GetValue(accountName))));
        admin.Subcommands.Add(account);

        var mfa = new Command("mfa", "The root user's virtual MFA device (MFA Delete)");
        mfa.Subcommands.Add(Leaf("enable", "Create the device: its serial and TOTP secret are shown once", [], (_, c) => c.SendAsync(HttpMethod.Post, "mfa")));
        mfa.Subcommands.Add(Leaf("list", "Show the device's serial and when it was created (never its secret)", [], (_, c) => c.SendAsync(HttpMethod.Get, "mfa")));
        var code = new Option<string>("--code") { Description = "A current code from the device", Required = true };
        mfa.Subcommands.Add(Leaf("deactivate", "Remove the device, authorized by a current code from it", [code], (p, c) =>
            c.SendAsync(HttpMethod.Post, "mfa/deactivate", [("code", p.GetValue(code)!)])));
        var code1 = new Option<string>("--code1") { Description = "A code from the device", Required = true };
        var code2 = new Option<string>("--code2") { Description = "The next code the device shows", Required = true };
        mfa.Subcommands.Add(Leaf("resync", "Resynchronize a device whose clock drifted (up to 10 minutes): two consecutive codes", [code1, code2], (p, c) =>
            c.SendAsync(HttpMethod.Post, "mfa/resync", [("code1", p.GetValue(code1)!), ("code2", p.GetValue(code2)!)])));
        mfa.Subcommands.Add(MfaResetCommand.Create());
        admin.Subcommands.Add(mfa);
        admin.Subcommands.Add(PublicAccessBlockCommand.Create());
        admin.Subcommands.Add(LifecycleCommands.Create(Leaf));
        admin.Subcommands.Add(ScrubCommand.Create(Leaf));
        admin.Subcommands.Add(BackupLeaf.Create(Leaf));
        admin.Subcommands.Add(RemoteCommands.Create());
        admin.Subcommands.Add(RemoteCommands.CreateReplication());
        admin.Subcommands.Add(StatsCommand.Create(Leaf));
        return admin;
    }

    internal static Command Leaf(string name, string description, Symbol[] symbols, Func<ParseResult, AdminClient, Task<JsonDocument?>> call) =>
        Leaf(name, description, symbols, call, exitCode: null);

    /// <param name="exitCode">The exit code an answer means (scrub: 1 when it lists damage); 0 for every answer without it.</param>
    internal static Command Leaf(string name, string description, Symbol[] symbols, Func<ParseResult, AdminClient, Task<JsonDocument?>> call,
        Func<JsonDocument?, int>? exitCode)
    {
        var command = new Command(name, description);
        foreach (var symbol in symbols)
        {
            if (symbol is Argument argument) command.Arguments.Add(argument);
            else if (symbol is Option option) command.Options.Add(option);
        }
        command.SetAction((parse, cancellationToken) => RunAsync(parse, Connection, Json, call, exitCode));
        return command;
    }

    /// <summary>Sends one admin call as the root user and prints the answer (a table, or the JSON with --json); also for `strata replicate`.</summary>
    internal static Task<int> RunAsync(ParseResult parse, EndpointOptions endpoint, Option<bool> json, Func<ParseResult, AdminClient, Task<JsonDocument?>> call,
        Func<JsonDocument?, int>? exitCode = null) =>
        CommandErrors.RunAsync(async () =>
        {
            var connection = endpoint.Resolve(parse);
            var keys = RootKeys(connection) ?? throw new FormatException(
                "No root credentials: set STRATA_ROOT_ACCESS_KEY and STRATA_ROOT_SECRET_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or pass --profile NAME.");
            try
            {
                using var client = new AdminClient(endpoint.Endpoint!, keys.AccessKey, keys.SecretKey, S3Connection.ResolveRegion(connection), connection.CaBundle);
                using var answer = await call(parse, client);
                if (parse.GetValue(json)) Console.WriteLine(answer is null ? "{}" : JsonSerializer.Serialize(answer.RootElement, Indented));
                else Console.Write(AdminTables.Render(answer));
                return exitCode?.Invoke(answer) ?? 0;
            }
            catch (AdminException refused)
            {
                await Console.Error.WriteLineAsync(refused.Message);
                return 1;
            }
        }, endpoint, interrupted: "Interrupted.");

    /// <summary>An explicit --profile first; then the root keys in STRATA_ROOT_*; then the AWS chain (AWS_* variables, AWS_PROFILE or default).</summary>
    private static (string AccessKey, string SecretKey)? RootKeys(S3ConnectionOptions connection)
    {
        if (connection.Profile is null
            && Environment.GetEnvironmentVariable("STRATA_ROOT_ACCESS_KEY") is { Length: > 0 } rootKey
            && Environment.GetEnvironmentVariable("STRATA_ROOT_SECRET_KEY") is { Length: > 0 } rootSecret)
        {
            return (rootKey, rootSecret);
        }
        return S3Connection.ResolveKeys(connection) is { } keys ? (keys.AccessKey, keys.SecretKey) : null;
    }

    // Relaxed escaping: the otpauth:// URI keeps its '&' readable.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
