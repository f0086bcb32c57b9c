using System.Text.Json;

namespace Strata.Client.Setup;

/// <summary>What a bucket is for, as in the recipe: media (user uploads, versioned) or static (rebuilt from source, unversioned).</summary>
public enum BucketRole
{
    /// <summary>User uploads: versioned, never public, deletes leave a marker.</summary>
    Media,

    /// <summary>CSS, JS and images rebuilt by collectstatic: unversioned, usually public-read.</summary>
    Static,
}

/// <summary>A default retention for new objects in an Object Lock bucket.</summary>
/// <param name="Mode">GOVERNANCE or COMPLIANCE.</param>
/// <param name="Days">How long each new version is protected.</param>
public sealed record ObjectLockDefault(string Mode, int Days);

/// <summary>One bucket of a <c>strata.json</c> set-up (docs/SETUP.md).</summary>
public sealed record BucketSetup
{
    /// <summary>The bucket's name.</summary>
    public required string Name { get; init; }

    /// <summary>media or static.</summary>
    public required BucketRole Role { get; init; }

    /// <summary>Whether versioning is Enabled; defaults to true for media, false for static.</summary>
    public required bool Versioning { get; init; }

    /// <summary>Whether MFA Delete is wanted (needs the root key and an MFA code to set).</summary>
    public bool MfaDelete { get; init; }

    /// <summary>Object Lock default retention, or null for none.</summary>
    public ObjectLockDefault? ObjectLock { get; init; }

    /// <summary>Days after which noncurrent versions expire (a lifecycle rule), or null for none.</summary>
    public int? NoncurrentVersionExpirationDays { get; init; }

    /// <summary>Whether all four Block Public Access settings are on; defaults to true for media.</summary>
    public bool BlockPublicAccess { get; init; }

    /// <summary>Whether anyone may read objects (a bucket policy); defaults to true for static.</summary>
    public bool PublicRead { get; init; }
}

/// <summary>The application's user on Strata's server, given the least-privilege policy for the media bucket.</summary>
/// <param name="Name">The user's name.</param>
public sealed record AppUserSetup(string Name);

/// <summary>A parsed <c>strata.json</c>: the buckets and the application's user.</summary>
public sealed record SetupFile(IReadOnlyList<BucketSetup> Buckets, AppUserSetup? AppUser)
{
    /// <summary>The media bucket, if the file names one.</summary>
    public BucketSetup? Media => Buckets.FirstOrDefault(b => b.Role == BucketRole.Media);

    /// <summary>The static bucket, if the file names one.</summary>
    public BucketSetup? Static => Buckets.FirstOrDefault(b => b.Role == BucketRole.Static);

    /// <summary>Reads and checks a set-up file; any mistake is a <see cref="FormatException"/> naming the file and the field.</summary>
    public static SetupFile Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"Cannot read the set-up file {path}: {e.Message}");
        }
        try
        {
            return Parse(text);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path} is not valid JSON: {e.Message}");
        }
        catch (FormatException e)
        {
            throw new FormatException($"{path}: {e.Message}");
        }
    }

    /// <summary>Parses the text of a set-up file.</summary>
    public static SetupFile Parse(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = document.RootElement;
        Require(root.ValueKind == JsonValueKind.Object, "the file must hold one JSON object with \"buckets\".");
        CheckNames(root, "the top level", "$schema", "buckets", "appUser");
        Require(root.TryGetProperty("buckets", out var buckets) && buckets.ValueKind == JsonValueKind.Array, "\"buckets\" must be an array of buckets.");
        var list = new List<BucketSetup>();
        foreach (var bucket in buckets.EnumerateArray()) list.Add(ParseBucket(bucket));
        Require(list.Count(b => b.Role == BucketRole.Media) <= 1 && list.Count(b => b.Role == BucketRole.Static) <= 1, "at most one bucket of each role (media, static).");
        Require(list.Select(b => b.Name).Distinct(StringComparer.Ordinal).Count() == list.Count, "a bucket name appears twice.");
        AppUserSetup? user = null;
        if (root.TryGetProperty("appUser", out var userElement) && userElement.ValueKind != JsonValueKind.Null)
        {
            CheckNames(userElement, "\"appUser\"", "name");
            user = new AppUserSetup(String(userElement, "name", "appUser") ?? throw new FormatException("\"appUser\" needs a \"name\"."));
        }
        return new SetupFile(list, user);
    }

    private static BucketSetup ParseBucket(JsonElement e)
    {
        Require(e.ValueKind == JsonValueKind.Object, "each bucket is an object with \"name\" and \"role\".");
        var name = String(e, "name", "a bucket") ?? throw new FormatException("a bucket has no \"name\".");
        var where = $"bucket \"{name}\"";
        // S3's naming rules: 3-63 characters, lowercase letters, digits, dots and hyphens, a letter or digit at each end.
        Require(System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"),
            $"{where}: not a valid bucket name (3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit).");
        CheckNames(e, where, "name", "role", "versioning", "mfaDelete", "objectLock", "noncurrentVersionExpirationDays", "blockPublicAccess", "publicRead");
        var role = String(e, "role", where) switch
        {
            "media" => BucketRole.Media,
            "static" => BucketRole.Static,
            _ => throw new FormatException($"{where}: \"role\" must be \"media\" or \"static\"."),
        };
        var media = role == BucketRole.Media;
        ObjectLockDefault? objectLock = null;
        if (e.TryGetProperty("objectLock", out var lockElement) && lockElement.ValueKind != JsonValueKind.Null)
        {
            CheckNames(lockElement, $"{where} \"objectLock\"", "mode", "days");
            var mode = String(lockElement, "mode", where) ?? "GOVERNANCE";
            Require(mode is "GOVERNANCE" or "COMPLIANCE", $"{where}: \"objectLock.mode\" must be \"GOVERNANCE\" or \"COMPLIANCE\".");
            objectLock = new ObjectLockDefault(mode, PositiveInt(lockElement, "days", where) ?? throw new FormatException($"{where}: \"objectLock\" needs \"days\"."));
        }
        return new BucketSetup
        {
            Name = name,
            Role = role,
            Versioning = Bool(e, "versioning", where) ?? media,
            MfaDelete = Bool(e, "mfaDelete", where) ?? false,
            ObjectLock = objectLock,
            NoncurrentVersionExpirationDays = PositiveInt(e, "noncurrentVersionExpirationDays", where),
            BlockPublicAccess = Bool(e, "blockPublicAccess", where) ?? media,
            PublicRead = Bool(e, "publicRead", where) ?? !media,
        };
    }

    private static void CheckNames(JsonElement e, string where, params string[] known)
    {
        foreach (var property in e.EnumerateObject())
        {
            Require(known.Contains(property.Name), $"{where}: unknown field \"{property.Name}\" (known: {string.Join(", ", known)}).");
        }
    }

    private static string? String(JsonElement e, string name, string where)
    {
        if (!e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        Require(value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0, $"{where}: \"{name}\" must be a non-empty string.");
        return value.GetString();
    }

    private static bool? Bool(JsonElement e, string name, string where)
    {
        if (!e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        Require(value.ValueKind is JsonValueKind.True or JsonValueKind.False, $"{where}: \"{name}\" must be true or false.");
        return value.GetBoolean();
    }

    private static int? PositiveInt(JsonElement e, string name, string where)
    {
        if (!e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        Require(value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n > 0, $"{where}: \"{name}\" must be a whole number of days above 0.");
        return value.GetInt32();
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new FormatException(message);
    }
}
