using Microsoft.AspNetCore.Http;
using OtpNet;
using Strata.Core;
using Strata.Engine;

namespace Strata.Server.Auth;

/// <summary>
/// x-amz-mfa: "SERIAL CODE" of the root user's virtual MFA device (RFC 6238 TOTP: 30 s steps, 6 digits,
/// one step of clock drift either way). As S3 requires, only over HTTPS and only from the root user;
/// a code is accepted once, so a captured request cannot be replayed within its window. The device's last
/// used step is the one record of that: it is raised in the store, durably and only if the code's step is
/// newer, before the request runs, so neither two requests at once nor a restart can use a code twice.
/// </summary>
internal sealed class MfaVerifier(TimeProvider time)
{
    private volatile IReadOnlyDictionary<string, byte[]> _devices = new Dictionary<string, byte[]>();

    public void Reload(StorageEngine engine) => _devices = engine.LoadMfaDevices();

    /// <summary>
    /// False when the request carries no x-amz-mfa. Throws InvalidRequest over plain HTTP, AccessDenied for a
    /// caller other than root, an unknown device, a wrong code or a code already used.
    /// </summary>
    public async Task<bool> VerifyAsync(HttpContext http, Principal principal, StorageEngine engine)
    {
        var header = http.Request.Headers["x-amz-mfa"].ToString();
        if (header.Length == 0) return false;
        if (!http.Request.IsHttps) throw S3Fail.Exception(StrataError.InvalidRequest, "Requests that include x-amz-mfa must use HTTPS.");
        if (principal.Kind != PrincipalKind.Root) throw S3Fail.Exception(StrataError.AccessDenied, "Only the root user's MFA device can authorize this request.");
        var space = header.LastIndexOf(' ');
        var serial = space > 0 ? header[..space].Trim() : "";
        var code = space > 0 ? header[(space + 1)..].Trim() : "";
        if (!_devices.TryGetValue(serial, out var secret) || code.Length != 6) throw Invalid();

        var totp = new Totp(secret, step: 30, totpSize: 6);
        if (!totp.VerifyTotp(time.GetUtcNow().UtcDateTime, code, out var step, new VerificationWindow(previous: 1, future: 1))) throw Invalid();
        if (!await engine.UseMfaStepAsync(serial, step)) throw Invalid();
        return true;
    }

    private static StrataException Invalid() => S3Fail.Exception(StrataError.AccessDenied, "The MFA code is not valid or was already used.");
}
