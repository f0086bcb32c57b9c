using System.Reflection;
using System.Runtime.CompilerServices;
using Strata.AspNetCore.Storage;

namespace Strata.AspNetCore.Tests;

/// <summary>
/// The library's public API, kept in an approved snapshot (PublicApi.approved.txt): a change to it shows in review.
/// When it changes on purpose, copy PublicApi.received.txt over the approved file.
/// </summary>
public sealed class PublicApi
{
    [Fact]
    public void The_public_api_matches_the_approved_snapshot()
    {
        var actual = Describe(typeof(IFileStorage).Assembly);
        var approvedPath = Path.Combine(Folder(), "PublicApi.approved.txt");
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : "";
        if (actual != approved) File.WriteAllText(Path.Combine(Folder(), "PublicApi.received.txt"), actual);
        Assert.Equal(approved, actual);
    }

    private static string Folder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    private static string Describe(Assembly assembly)
    {
        var lines = new List<string>();
        const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            lines.Add($"{Kind(type)} {type.FullName}" + (type.BaseType is { } b && b != typeof(object) && !type.IsEnum && !type.IsValueType ? $" : {b.FullName}" : ""));
            foreach (var member in type.GetMembers(flags).Select(m => $"  {m.MemberType} {m}").Order(StringComparer.Ordinal))
            {
                lines.Add(member);
            }
        }
        return string.Join("\n", lines) + "\n";
    }

    private static string Kind(Type type) =>
        type.IsInterface ? "interface" : type.IsEnum ? "enum" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : "class";
}
