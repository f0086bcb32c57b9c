using System.Globalization;

namespace Strata.Core.ObjectLock;

/// <summary>S3's two retention modes: GOVERNANCE yields to a permitted bypass, COMPLIANCE to no one.</summary>
public enum ObjectLockMode
{
    Governance,
    Compliance,
}

/// <summary>A version's retention: protected until <paramref name="RetainUntil"/> in <paramref name="Mode"/>.</summary>
public readonly record struct ObjectRetention(ObjectLockMode Mode, DateTimeOffset RetainUntil);

/// <summary>
/// What protects one version: its retention, if it has one, and its legal hold. <paramref name="LegalHold"/> is null
/// when it was never set (S3 then answers GetObjectLegalHold with NoSuchObjectLockConfiguration) and false once set OFF.
/// </summary>
public sealed record ObjectLockState(ObjectRetention? Retention, bool? LegalHold)
{
    public static readonly ObjectLockState None = new(null, null);

    public bool IsEmpty => Retention is null && LegalHold is null;

    /// <summary>S3: a version is locked while its legal hold is on or its retain-until date has not passed.</summary>
    public bool IsLockedAt(DateTimeOffset now) => LegalHold == true || (Retention is { } r && r.RetainUntil > now);
}

/// <summary>A bucket's default retention: a mode and a period of Days or Years, never both.</summary>
public sealed record DefaultRetention(ObjectLockMode Mode, int? Days, int? Years)
{
    /// <summary>S3: a new version's retain-until date is its upload time plus the period.</summary>
    public DateTimeOffset RetainUntilFrom(DateTimeOffset uploaded) => Days is { } days ? uploaded.AddDays(days) : uploaded.AddYears(Years ?? 0);
}

/// <summary>
/// A bucket's Object Lock configuration. Its existence means ObjectLockEnabled = Enabled (S3 has no way to turn
/// Object Lock off once on); <paramref name="Rule"/> is the optional default retention.
/// </summary>
public sealed record ObjectLockConfiguration(DefaultRetention? Rule)
{
    public static readonly ObjectLockConfiguration Enabled = new((DefaultRetention?)null);

    /// <summary>S3 (PutObjectLockConfiguration): the default period is a positive number of days or years.</summary>
    public const int MaxDays = 36500;
    public const int MaxYears = 100;

    /// <summary>The stored form: "Enabled", or "Enabled GOVERNANCE Days 30".</summary>
    public string Serialize() => Rule is null
        ? "Enabled"
        : string.Create(CultureInfo.InvariantCulture, $"Enabled {ObjectLockModes.Name(Rule.Mode)} {(Rule.Days is not null ? "Days" : "Years")} {Rule.Days ?? Rule.Years}");

    public static ObjectLockConfiguration Deserialize(string text)
    {
        var parts = text.Split(' ');
        if (parts.Length < 4) return Enabled;
        var period = int.Parse(parts[3], CultureInfo.InvariantCulture);
        var mode = ObjectLockModes.TryParse(parts[1], out var m) ? m : ObjectLockMode.Governance;
        return new ObjectLockConfiguration(parts[2] == "Days" ? new DefaultRetention(mode, period, null) : new DefaultRetention(mode, null, period));
    }
}

/// <summary>The modes' wire names, upper case as S3 writes and requires them ("governance" is refused).</summary>
public static class ObjectLockModes
{
    public static string Name(ObjectLockMode mode) => mode == ObjectLockMode.Compliance ? "COMPLIANCE" : "GOVERNANCE";

    public static bool TryParse(string? text, out ObjectLockMode mode)
    {
        mode = text == "COMPLIANCE" ? ObjectLockMode.Compliance : ObjectLockMode.Governance;
        return text is "COMPLIANCE" or "GOVERNANCE";
    }
}
