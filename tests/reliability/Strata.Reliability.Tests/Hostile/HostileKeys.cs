using System.Text;

namespace Strata.Reliability.Tests.Hostile;

/// <summary>
/// Keys that look like paths or carry bytes a file system would choke on. S3 keys are opaque UTF-8: "../", a
/// leading "/", NUL and control characters are stored as the key they spell, never used as a path; keys over
/// 1024 bytes are KeyTooLongError and invalid UTF-8 is InvalidArgument.
/// </summary>
public sealed class HostileKeys(HostileServer server) : IClassFixture<HostileServer>
{
    public static TheoryData<string, string> LiteralKeys => new()
    {
        { "../../../escape.txt", "/../../../escape.txt" },
        { "%2e%2e/%2e%2e/%2e%2e/escape.txt", "/%2e%2e/%2e%2e/%2e%2e/escape.txt" },
        { "..%2f..%2f..%2fescape.txt", "/..%2f..%2f..%2fescape.txt" },
        { "absolute /etc/strata-escape", "//etc/strata-escape" },
        { "absolute %2Ftmp%2Fstrata-escape", "/%2Ftmp%2Fstrata-escape" },
        { "backslashes ..\\..\\escape", "/..%5C..%5Cescape" },
        { "control characters", "/ctl%01%1F%7F" },
        { "line breaks", "/line%0Abreak%0D" },
        { "1024 bytes", "/" + new string('k', 1024) },
    };

    [Theory]
    [MemberData(nameof(LiteralKeys))]
    public async Task A_path_like_key_is_stored_as_the_key_it_spells_and_nowhere_else(string name, string rawKeyPath)
    {
        _ = name;
        var before = await server.StartCaseAsync();
        var body = Encoding.ASCII.GetBytes("hostile key body " + name);
        var path = "/" + HostileServer.Plain + rawKeyPath;

        var put = await server.SendAsync(server.Sign("PUT", path, body: body));
        Assert.True(put.Status == 200, $"PUT answered:\n{put}");
        var get = await server.SendAsync(server.Sign("GET", path));
        Assert.True(get.Status == 200 && get.Body == Encoding.ASCII.GetString(body), $"GET answered:\n{get}");

        // Listed under exactly that key (URL-encoded, as S3 does for keys XML 1.0 cannot carry).
        var list = await server.SendAsync(server.Sign("GET", "/" + HostileServer.Plain, "encoding-type=url&versions="));
        Assert.True(list.Status == 200, $"ListObjectVersions answered:\n{list}");
        var listedKeys = System.Text.RegularExpressions.Regex.Matches(list.Body, "<Key>([^<]*)</Key>").Select(m => Uri.UnescapeDataString(m.Groups[1].Value.Replace("+", "%20")));
        var expectedKey = SpelledKey(rawKeyPath);
        Assert.Contains(expectedKey, listedKeys);

        var delete = await server.SendAsync(server.Sign("DELETE", path));
        Assert.True(delete.Status == 204, $"DELETE answered:\n{delete}");
        await server.AssertUnharmedAsync(before);
    }

    // Kestrel refuses a decoded NUL in the path with an empty 400 before Strata sees the request, so the answer
    // has no S3 error body; what matters here is that it is refused, stores nothing and the server stays up.
    [Fact]
    public async Task A_NUL_in_the_key_is_refused_and_nothing_is_stored()
    {
        var before = await server.StartCaseAsync();
        var put = await server.SendAsync(server.Sign("PUT", "/" + HostileServer.Plain + "/nul%00byte", body: "x"u8.ToArray()));
        Assert.True(put.Status == 400, put.ToString());
        await server.AssertUnharmedAsync(before);
    }

    public static TheoryData<string, string, int, string> RefusedKeys => new()
    {
        { "1025 bytes", "/" + new string('k', 1025), 400, "KeyTooLongError" },
        { "2048 bytes of é", "/" + string.Concat(Enumerable.Repeat("%C3%A9", 1024)), 400, "KeyTooLongError" },
        { "invalid UTF-8 %FF%FE", "/bad%FF%FE", 400, "InvalidArgument" },
        { "truncated UTF-8 %C3%28", "/bad%C3%28", 400, "InvalidArgument" },
        { "overlong slash %C0%AF", "/..%C0%AF..%C0%AFescape", 400, "InvalidArgument" },
        { "surrogate %ED%A0%80", "/bad%ED%A0%80", 400, "InvalidArgument" },
    };

    [Theory]
    [MemberData(nameof(RefusedKeys))]
    public async Task An_invalid_key_is_refused_with_S3s_code_and_nothing_is_stored(string name, string rawKeyPath, int status, string code)
    {
        _ = name;
        var before = await server.StartCaseAsync();
        foreach (var bucket in new[] { HostileServer.Versioned, HostileServer.Plain })
        {
            var path = "/" + bucket + rawKeyPath;
            HostileServer.AssertRefused(await server.SendAsync(server.Sign("PUT", path, body: "x"u8.ToArray())), status, code);
            HostileServer.AssertRefused(await server.SendAsync(server.Sign("GET", path)), status, code);
            HostileServer.AssertRefused(await server.SendAsync(server.Sign("DELETE", path)), status, code);
        }
        await server.AssertUnharmedAsync(before);
    }

    /// <summary>The key a raw path names: percent-decoded once, exactly as S3 reads the request target.</summary>
    private static string SpelledKey(string rawKeyPath)
    {
        var raw = rawKeyPath[1..];
        var bytes = new List<byte>();
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '%' && i + 2 < raw.Length)
            {
                bytes.Add(Convert.ToByte(raw.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.Add((byte)raw[i]);
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
