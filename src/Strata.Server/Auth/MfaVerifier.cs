using Microsoft.AspNetCore.Http;
using OtpNet;
using Strata.Core;
using Strata.Engine;

namespace Strata.Server.Auth;

/// <summary>
/// x-amz-mfa: "SERIAL CODE" of the root user's virtual MFA device (RFC 6238 TOTP: 30 s steps, 6 digits,
/// one step of clock drift either way). As S3 requires, only over HTTPS and only from the root user;
/// a code is accepted once, so a captured request cannot be replayed within its window: the step it
/// authorized is recorded durably before the request runs, so a restart does not make it valid again.
/// </summary>
internal sealed class MfaVerifier(TimeProvider time)
{
    private volatile IReadOnlyDictionary<string, byte[]> _devices = new Dictionary<string, byte[]>();
    private readonly Dictionary<string, long> _lastStepUsed = new(StringComparer.Ordinal); // guarded by _replayGate
    private readonly Lock _replayGate = new();

    public void Reload(StorageEngine engine)
    {
        var devices = engine.LoadMfaDevices();
        lock (_replayGate)
        {
            foreach (var (serial, device) in devices)
            {
                _lastStepUsed[serial] = Math.Max(device.LastStep, _lastStepUsed.GetValueOrDefault(serial, -1));
            }
        }
        _devices = devices.ToDictionary(d => d.Key, d => d.Value.Secret, StringComparer.Ordinal);
    }

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
        lock (_replayGate)
        {
            if (_lastStepUsed.TryGetValue(serial, out var used) && step <= used) throw Invalid();
            _lastStepUsed[serial] = step;
        }
        // Durable before the request runs; the store refuses a step that is not newer than the one it holds.
        if (!await engine.UseMfaStepAsync(serial, step)) throw Invalid();
        return true;
    }

    private static StrataException Invalid() => S3Fail.Exception(StrataError.AccessDenied, "The MFA code is not valid or was already used.");
}
