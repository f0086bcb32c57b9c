using System.Security.Cryptography.X509Certificates;
using Strata.Engine.Diagnostics;

namespace Strata.WebConsole.Hosting;

/// <summary>
/// What the console needs from the server it runs in. The settings come from `strata serve`; the rest
/// (<see cref="Endpoint"/>, <see cref="Certificate"/>) StrataHost fills in once Kestrel listens, before the
/// first console request can arrive.
/// </summary>
internal sealed class ConsoleOptions
{
    /// <summary>strata serve --no-console turns it off: every console path answers 404.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A session unused for this long is dropped (strata serve --console-idle-timeout).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Live sessions kept at most; a sign-in beyond it drops the longest idle one, so sign-ins cannot exhaust memory.</summary>
    public int MaxSessions { get; set; } = 1000;

    /// <summary>Rows per page of a bucket's listing: each page is one bounded list request.</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>The server's clock (tests shift it): idle timeouts are measured with it.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>The region the server answers for: the users' clients sign for it.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>This server's own listening endpoint on loopback (http or https); null until Kestrel listens.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The certificate Kestrel serves HTTPS with: the users' clients trust exactly it and nothing else.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>The root user's virtual MFA device serial (arn:aws:iam::ACCOUNT:mfa/root-account-mfa-device), for MFA prompts.</summary>
    public string? RootMfaSerial { get; set; }

    /// <summary>The engine's per-bucket figures (objects, versions, bytes, noncurrent bytes), counted in memory.</summary>
    public Func<IReadOnlyList<BucketFigures>> Figures { get; set; } = static () => [];
}
