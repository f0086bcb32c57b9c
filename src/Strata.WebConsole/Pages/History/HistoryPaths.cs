namespace Strata.WebConsole.Pages.History;

/// <summary>The URLs of a key's history, its versions' bodies, the actions on them, a folder's restore and the jobs.</summary>
internal static class HistoryPaths
{
    public static string History(string bucket, string key, string? versionId = null, string? token = null) =>
        ConsolePaths.Bucket(bucket) + "/history" + ConsolePaths.Query(("key", key), ("versionId", versionId), ("token", token));

    public static string Compare(string bucket, string key, string a, string b) =>
        ConsolePaths.Bucket(bucket) + "/compare" + ConsolePaths.Query(("key", key), ("a", a), ("b", b));

    public static string Download(string bucket, string key, string versionId) =>
        ConsolePaths.Bucket(bucket) + "/download" + ConsolePaths.Query(("key", key), ("versionId", versionId));

    public static string Preview(string bucket, string key, string versionId) =>
        ConsolePaths.Bucket(bucket) + "/preview" + ConsolePaths.Query(("key", key), ("versionId", versionId));

    /// <summary>A POST target below the bucket: restore-version, undelete, delete-version, versioning.</summary>
    public static string Action(string bucket, string action) => ConsolePaths.Bucket(bucket) + "/" + action;

    /// <summary>The confirmation page of a permanent delete (GET); the same path takes the POST.</summary>
    public static string ConfirmDelete(string bucket, string key, string versionId) =>
        Action(bucket, "delete-version") + ConsolePaths.Query(("key", key), ("versionId", versionId));

    public static string Versioning(string bucket, string? key = null) =>
        Action(bucket, "versioning") + ConsolePaths.Query(("key", key));

    public static string Restore(string bucket, string prefix) => ConsolePaths.Bucket(bucket) + "/restore" + ConsolePaths.Query(("prefix", prefix));

    public static string Job(string id) => ConsolePaths.Base + "/jobs/" + Uri.EscapeDataString(id);

    public static string JobJson(string id) => Job(id) + ".json";
}
