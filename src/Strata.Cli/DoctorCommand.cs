using System.CommandLine;
using Amazon.Runtime;
using Strata.Client.Setup;

namespace Strata.Cli;

/// <summary>
/// `strata doctor [--config strata.json]`: audits the live media/static set-up the file describes and prints each
/// finding with its fix. Exit 0 when nothing failed (warnings allowed), 1 when a check failed, 3 when the endpoint
/// cannot be reached, 2 for a wrong command line or set-up file.
/// </summary>
internal static class DoctorCommand
{
    private const string SecretVariable = "STRATA_APP_SECRET_KEY";

    public static Command Create()
    {
        var connection = new EndpointOptions();
        var config = new Option<string>("--config") { Description = "The set-up file (docs/SETUP.md)", DefaultValueFactory = _ => "strata.json" };
        var appProfile = new Option<string?>("--app-profile") { Description = "The application's key, as a profile in ~/.aws/credentials, to probe what it may do" };
        var appAccessKey = new Option<string?>("--app-access-key") { Description = $"The application's access key id, to probe what it may do; its secret from --app-secret-key or {SecretVariable}" };
        var appSecretKey = new Option<string?>("--app-secret-key") { Description = $"The application's secret key (prefer {SecretVariable}: a command line is visible to other users)" };
        var command = new Command("doctor", "Audit a live set-up: media versioned, protected and private, static unversioned, the app's key unable to destroy versions.")
        {
            config, appProfile, appAccessKey, appSecretKey,
        };
        connection.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var setup = SetupFile.Load(parse.GetValue(config)!);
            if (setup.Media is null && setup.Static is null) throw new FormatException("The set-up file names no bucket with role \"media\" or \"static\": nothing to audit.");
            var options = connection.Resolve(parse);
            using var auditor = Strata.Client.Connection.S3Connection.Create(options);
            var appOptions = AppOptions(parse, options, appProfile, appAccessKey, appSecretKey);
            using var app = appOptions is null ? null : Strata.Client.Connection.S3Connection.Create(appOptions);
            var findings = await new SetupDoctor(auditor, app).AuditAsync(setup, cancellationToken);
            Write(findings, Console.Out);
            return findings.Any(f => f.Result == FindingResult.Fail) ? CommandErrors.SomeFailed : CommandErrors.Ok;
        }, connection));
        return command;
    }

    private static Strata.Client.Connection.S3ConnectionOptions? AppOptions(ParseResult parse, Strata.Client.Connection.S3ConnectionOptions auditor,
        Option<string?> profile, Option<string?> accessKey, Option<string?> secretKey)
    {
        var name = parse.GetValue(profile);
        var id = parse.GetValue(accessKey);
        var secret = parse.GetValue(secretKey) ?? (Environment.GetEnvironmentVariable(SecretVariable) is { Length: > 0 } s ? s : null);
        if (name is not null && id is not null) throw new FormatException("Give the application's key once: --app-profile or --app-access-key, not both.");
        if (id is null && parse.GetValue(secretKey) is not null) throw new FormatException("--app-secret-key needs --app-access-key.");
        if (id is not null && secret is null) throw new FormatException($"--app-access-key needs its secret: set {SecretVariable} (or --app-secret-key).");
        if (name is not null) return auditor with { Profile = name };
        if (id is not null) return auditor with { Profile = null, Credentials = new BasicAWSCredentials(id, secret) };
        return null;
    }

    private static void Write(IReadOnlyList<Finding> findings, TextWriter o)
    {
        var checkWidth = Math.Max("CHECK".Length, findings.Max(f => f.Check.Length));
        o.WriteLine($"{"CHECK".PadRight(checkWidth)}  RESULT  DETAIL");
        foreach (var f in findings)
        {
            o.WriteLine($"{f.Check.PadRight(checkWidth)}  {Result(f.Result),-6}  {f.Detail}");
            if (f.Fix is not null && f.Result is FindingResult.Fail or FindingResult.Warn) o.WriteLine($"{"".PadRight(checkWidth)}  {"",-6}  fix: {f.Fix}");
        }
        var failed = findings.Count(f => f.Result == FindingResult.Fail);
        var warned = findings.Count(f => f.Result == FindingResult.Warn);
        var missing = findings.Count(f => f.Result == FindingResult.NotAvailable);
        o.WriteLine();
        var notAvailable = missing == 0 ? "" : $", {Formats.Count(missing, "check")} not available on this endpoint";
        o.WriteLine(failed == 0
            ? $"All checks passed ({Formats.Count(warned, "warning")}{notAvailable})."
            : $"{Formats.Count(failed, "check")} failed, {Formats.Count(warned, "warning")}{notAvailable}.");
    }

    private static string Result(FindingResult result) => result switch
    {
        FindingResult.Pass => "pass",
        FindingResult.Warn => "warn",
        FindingResult.Fail => "FAIL",
        _ => "n/a",
    };
}
