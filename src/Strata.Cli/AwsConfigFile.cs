using Microsoft.Extensions.Configuration;

namespace Strata.Cli;

/// <summary>
/// Settings of the shared AWS config file (AWS_CONFIG_FILE, else ~/.aws/config) that AWSSDK's profile type does not
/// expose. Today that is ca_bundle, which awscli reads after --ca-bundle and AWS_CA_BUNDLE. The profile is the one
/// given, else AWS_PROFILE, else default; a profile's section is [profile NAME], and the default's [default].
/// </summary>
internal static class AwsConfigFile
{
    /// <summary>The profile's ca_bundle, or null when the file, the profile or the setting is missing.</summary>
    public static string? CaBundle(string? profile) => Value(profile, "ca_bundle");

    private static string? Value(string? profile, string key)
    {
        var path = Env("AWS_CONFIG_FILE") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aws", "config");
        if (!File.Exists(path)) return null;
        IConfiguration file;
        try
        {
            file = new ConfigurationBuilder().AddIniFile(Path.GetFullPath(path), optional: true, reloadOnChange: false).Build();
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            return null; // a file this reader cannot take (a key twice in one section) is the SDK's to report, as it reads it too
        }
        var name = profile is { Length: > 0 } ? profile : Env("AWS_PROFILE") ?? "default";
        var value = file[$"profile {name}:{key}"] ?? (name == "default" ? file[$"default:{key}"] : null);
        return value is { Length: > 0 } ? value.Trim() : null;
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
