using System.CommandLine;
using System.Diagnostics;
using Amazon.S3;
using Spectre.Console;
using Strata.Client.Connection;
using Strata.Client.Static;

namespace Strata.Cli;

/// <summary>
/// `strata collectstatic --source wwwroot (--target s3://static/ | --storage static [--settings appsettings.json]) [--manifest] [--clear] [--dry-run] [--allow-versioned]`:
/// Django's collectstatic for a folder of static files, uploading only what changed (see <see cref="StaticSync"/>).
/// Exit 0 done, 1 refused on a versioned bucket or some keys failed (each listed), 2 wrong arguments, 3 nothing done.
/// </summary>
internal static class CollectStaticCommand
{
    public static Command Create()
    {
        var source = new Option<string>("--source") { Description = "Folder of static files to upload", DefaultValueFactory = _ => "wwwroot" };
        var target = new Option<string?>("--target") { Description = "Where they go: s3://bucket/prefix (a prefix is a folder: s3://static/v1 puts css/a.css at v1/css/a.css)" };
        var storage = new Option<string?>("--storage") { Description = "Instead of --target: the named storage (e.g. static) of the app's settings, Storages:NAME's Bucket, KeyPrefix, Endpoint and Region" };
        var settings = new Option<string>("--settings") { Description = "The app's settings file that --storage reads", DefaultValueFactory = _ => "appsettings.json" };
        var manifest = new Option<bool>("--manifest") { Description = "Also upload content-hashed copies (css/site.<md5>.css) and Django's staticfiles.json manifest, for StaticUrls with UseManifest" };
        var clear = new Option<bool>("--clear") { Description = "Also delete objects under the prefix that have no file in the source folder" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would be uploaded and deleted, and change nothing" };
        var allowVersioned = new Option<bool>("--allow-versioned") { Description = "Go on when the bucket is versioned (replaced and deleted files then stay as noncurrent versions)" };
        var concurrency = new Option<int>("--concurrency") { Description = "Uploads in flight at once", DefaultValueFactory = _ => 8 };
        var connection = new EndpointOptions();
        var command = new Command("collectstatic", "Upload a folder of static files (CSS, JS, images) to a bucket, only those whose content changed.")
        {
            source, target, storage, settings, manifest, clear, dryRun, allowVersioned, concurrency,
        };
        connection.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var folder = parse.GetValue(source)!;
            if (!Directory.Exists(folder)) throw new FormatException($"--source '{folder}' is not a folder: run from the project folder or pass --source PATH.");
            var inFlight = parse.GetValue(concurrency);
            if (inFlight is < 1 or > 256) throw new FormatException("--concurrency takes a number from 1 to 256.");
            var configured = Configured(parse.GetValue(target), parse.GetValue(storage), parse.GetValue(settings)!);
            var to = configured?.Target ?? S3Uri.Parse(parse.GetValue(target)!);
            using var s3 = connection.CreateClient(parse, configured);
            var sync = new StaticSync(s3, folder, to, inFlight);
            if (!await VersioningAllowsAsync(sync, to, parse.GetValue(allowVersioned), cancellationToken)) return CommandErrors.SomeFailed;

            var progress = new StaticSyncProgress();
            IReadOnlyList<StaticFile> files = await sync.ReadFilesAsync(progress, cancellationToken);
            using var hashed = parse.GetValue(manifest) ? new CollectStaticManifest() : null;
            if (hashed is not null) files = await hashed.AddToAsync(files, cancellationToken);
            var plan = await sync.PlanAsync(files, parse.GetValue(clear), cancellationToken);
            var where = $"s3://{to.Bucket}/{sync.KeyPrefix}";
            if (parse.GetValue(dryRun))
            {
                foreach (var change in Changes(plan)) Console.WriteLine($"would {change.Text}");
                Console.WriteLine($"Dry run, nothing changed: would upload {plan.Uploads.Count}, unchanged {plan.Unchanged}, would delete {plan.Deletes.Count} ({where}).{StaleNote(plan)}");
                return CommandErrors.Ok;
            }
            var report = plan.IsEmpty
                ? new StaticSyncReport(0, plan.Unchanged, 0, [])
                : await ShowProgressAsync(plan, progress, sync.ApplyAsync(plan, progress, cancellationToken));
            var failed = report.Failures.Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
            foreach (var change in Changes(plan)) if (!failed.Contains(change.Key)) Console.WriteLine(change.Text);
            foreach (var failure in report.Failures) Console.Error.WriteLine($"strata: {failure.Key}: {failure.Message}");
            Console.WriteLine($"uploaded {report.Uploaded}, unchanged {report.Unchanged}, deleted {report.Deleted}"
                + (report.Failures.Count > 0 ? $", failed {report.Failures.Count}" : "") + $" ({where}).{StaleNote(plan)}");
            return report.Failures.Count > 0 ? CommandErrors.SomeFailed : CommandErrors.Ok;
        }, connection));
        return command;
    }

    // --target or --storage, never both: the settings file is only read when a storage is named.
    private static StorageTarget? Configured(string? target, string? storage, string settings)
    {
        if (target is not null && storage is not null) throw new FormatException("Give --target or --storage, not both.");
        if (storage is not null) return StorageTarget.Read(settings, storage);
        if (target is null) throw new FormatException("Give --target s3://bucket/prefix or --storage NAME (read from appsettings.json): where the static files go.");
        return null;
    }

    // The recipe's point: static files are rebuilt from version control, so keeping each replaced copy as a
    // noncurrent version only costs storage. Suspended is let through: a PUT then replaces the null version.
    private static async Task<bool> VersioningAllowsAsync(StaticSync sync, S3Uri to, bool allowed, CancellationToken cancellationToken)
    {
        string? status;
        try
        {
            status = await sync.VersioningStatusAsync(cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "AccessDenied")
        {
            if (allowed) return true;
            Console.Error.WriteLine($"strata: cannot tell whether bucket '{to.Bucket}' is versioned (s3:GetBucketVersioning is denied); grant it, or pass --allow-versioned to go on unchecked.");
            return false;
        }
        catch (AmazonS3Exception e)
        {
            throw new Strata.Client.StrataClientException(Strata.Client.S3ErrorExplainer.Explain(e, "s3:GetBucketVersioning", $"arn:aws:s3:::{to.Bucket}", to.Bucket), e);
        }
        if (status != "Enabled") return true;
        if (allowed)
        {
            Console.Error.WriteLine($"strata: warning: bucket '{to.Bucket}' is versioned; every replaced or deleted static file stays as a noncurrent version.");
            return true;
        }
        Console.Error.WriteLine($"strata: bucket '{to.Bucket}' is versioned, so every replaced static file would pile up as a noncurrent version; use an unversioned bucket for static files, or pass --allow-versioned.");
        return false;
    }

    private static IEnumerable<(string Key, string Text)> Changes(StaticSyncPlan plan) =>
        plan.Uploads.Select(u => (u.Key, $"upload {u.Key} ({(u.IsNew ? "new" : "changed")}, {Formats.Bytes(u.File.Size)}, {u.File.ContentType})"))
            .Concat(plan.Deletes.Select(d => (d.Key, $"delete {d.Key}")));

    private static string StaleNote(StaticSyncPlan plan) =>
        plan.Stale > 0 ? $" {Formats.Count(plan.Stale, "object")} under the prefix {(plan.Stale == 1 ? "has" : "have")} no local file; --clear deletes them." : "";

    // Progress on stderr, so stdout stays the list of changes: a bar on a terminal, a line every few seconds otherwise.
    private static async Task<StaticSyncReport> ShowProgressAsync(StaticSyncPlan plan, StaticSyncProgress progress, Task<StaticSyncReport> work)
    {
        var steps = plan.Uploads.Count + plan.Deletes.Count;
        var clock = Stopwatch.StartNew();
        if (Console.IsErrorRedirected)
        {
            while (await Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds(5))) != work)
            {
                Console.Error.WriteLine($"collectstatic: {Formats.Count(progress.StepsDone)}/{Formats.Count(steps)} files, "
                    + $"{Formats.Bytes(progress.BytesDone)}/{Formats.Bytes(plan.UploadBytes)} ({Formats.Bytes(progress.BytesDone / clock.Elapsed.TotalSeconds)}/s), {Formats.Count(progress.Failed)} failed");
            }
            return await work;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask("files", maxValue: Math.Max(1, steps));
                while (true)
                {
                    var finished = work.IsCompleted;
                    var seconds = Math.Max(clock.Elapsed.TotalSeconds, 0.001);
                    bar.Value = progress.StepsDone;
                    bar.Description = $"files {Formats.Count(progress.StepsDone)}/{Formats.Count(steps)}, {Formats.Bytes(progress.BytesDone)} ({Formats.Bytes(progress.BytesDone / seconds)}/s)"
                        + (progress.Failed > 0 ? $" [red]{Formats.Count(progress.Failed)} failed[/]" : "");
                    if (finished) break;
                    await Task.WhenAny(work, Task.Delay(200));
                }
                return await work;
            });
    }
}
