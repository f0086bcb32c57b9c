namespace Strata.Client.Static;

/// <summary>One change collectstatic makes: upload a file, or (with --clear) delete an object no file stands for.</summary>
public abstract record StaticChange(string Key)
{
    /// <summary>Upload <paramref name="File"/> to <paramref name="Key"/>; <paramref name="IsNew"/> when no object was there.</summary>
    public sealed record Upload(string Key, StaticFile File, bool IsNew) : StaticChange(Key);

    /// <summary>Delete the object at <paramref name="Key"/>, which has no file in the source folder.</summary>
    public sealed record Delete(string Key, long Size) : StaticChange(Key);
}

/// <summary>What a run would do: the uploads, the deletes, and how many files are already up to date.</summary>
/// <param name="Uploads">Files that are new or whose content differs, in key order.</param>
/// <param name="Deletes">Objects under the prefix with no local file (only with clear), in key order.</param>
/// <param name="Unchanged">Files whose object already holds the same content.</param>
/// <param name="Stale">Objects with no local file that are kept because clear was not asked.</param>
public sealed record StaticSyncPlan(IReadOnlyList<StaticChange.Upload> Uploads, IReadOnlyList<StaticChange.Delete> Deletes, int Unchanged, int Stale)
{
    /// <summary>The bytes the uploads send.</summary>
    public long UploadBytes => Uploads.Sum(u => u.File.Size);

    /// <summary>True when nothing needs doing.</summary>
    public bool IsEmpty => Uploads.Count == 0 && Deletes.Count == 0;
}

/// <summary>A key that could not be uploaded or deleted, and why in plain words.</summary>
public sealed record StaticFailure(string Key, string Message);

/// <summary>What a run did.</summary>
public sealed record StaticSyncReport(int Uploaded, int Unchanged, int Deleted, IReadOnlyList<StaticFailure> Failures);

/// <summary>Counters a progress display reads while a run goes on; updated from several threads.</summary>
public sealed class StaticSyncProgress
{
    private long _filesHashed;
    private long _stepsDone;
    private long _bytesDone;
    private long _failed;

    /// <summary>Local files read and hashed so far.</summary>
    public long FilesHashed => Interlocked.Read(ref _filesHashed);

    /// <summary>Uploads and deletes finished (failed ones included).</summary>
    public long StepsDone => Interlocked.Read(ref _stepsDone);

    /// <summary>Bytes uploaded so far.</summary>
    public long BytesDone => Interlocked.Read(ref _bytesDone);

    /// <summary>Uploads and deletes that failed.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    internal void Hashed() => Interlocked.Increment(ref _filesHashed);

    internal void Done(long bytes, bool failed)
    {
        Interlocked.Add(ref _bytesDone, bytes);
        if (failed) Interlocked.Increment(ref _failed);
        Interlocked.Increment(ref _stepsDone);
    }
}
