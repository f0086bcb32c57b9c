using Microsoft.AspNetCore.Http;
using OtpNet;
using Strata.Core;
using Strata.Engine;
using Strata.Engine.Identities;

namespace Strata.Server.Auth;

/// <summary>
/// x-amz-mfa: "SERIAL CODE" of the root user's virtual MFA device (RFC 6238 TOTP: 30 s steps, 6 digits,
/// one step of clock drift either way around the device's clock as its last resync measured it). As S3
/// requires, only over HTTPS and only from the root user; a code is accepted once, so a captured request cannot
/// be replayed within its window. The device's last used step is the one record of that: it is raised in the
/// store, durably and only if the code's step is newer, before the request runs, so neither two requests at
/// once nor a restart can use a code twice.
/// </summary>
internal sealed class MfaVerifier(TimeProvider time)
{
    private const int StepSeconds = 30;

    /// <summary>How far a resync looks for the two codes around the server's clock: ±20 steps, ±10 minutes.</summary>
    public const int ResyncWindowSteps = 20;

    private volatile IReadOnlyDictionary<string, MfaSeed> _devices = new Dictionary<string, MfaSeed>();

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
        if (!TryMatch(serial, code, out var step) || !await engine.UseMfaStepAsync(serial, step)) throw Invalid();
        return true;
    }

    /// <summary>
    /// The time step of <paramref name="code"/> if it is the device's current code (one step either way of the
    /// device's clock). Whether the step was used already is for the store to decide, in the same write that uses it.
    /// </summary>
    public bool TryMatch(string serial, string code, out long step)
    {
        step = 0;
        if (!_devices.TryGetValue(serial, out var device) || !IsCode(code)) return false;
        var deviceTime = time.GetUtcNow().UtcDateTime.AddSeconds((double)device.DriftSteps * StepSeconds);
        return new Totp(device.Secret, StepSeconds, totpSize: 6).VerifyTotp(deviceTime, code, out step, new VerificationWindow(previous: 1, future: 1));
    }

    /// <summary>
    /// IAM's ResyncMFADevice: finds two consecutive codes within ±<see cref="ResyncWindowSteps"/> steps of the
    /// server's clock, nearest first. Gives the first code's step and the device's offset in steps (from its second,
    /// newest code, the one it showed last).
    /// </summary>
    public bool TryResync(string serial, string code1, string code2, out long firstStep, out int driftSteps)
    {
        firstStep = 0;
        driftSteps = 0;
        if (!_devices.TryGetValue(serial, out var device) || !IsCode(code1) || !IsCode(code2)) return false;
        var totp = new Totp(device.Secret, StepSeconds, totpSize: 6);
        var now = time.GetUtcNow().ToUnixTimeSeconds() / StepSeconds;
        for (var distance = 0; distance <= ResyncWindowSteps; distance++)
        {
            int[] offsets = distance == 0 ? [0] : [-distance, distance];
            foreach (var offset in offsets)
            {
                var step = now + offset - 1;
                if (totp.ComputeTotp(AtStep(step)) == code1 && totp.ComputeTotp(AtStep(step + 1)) == code2)
                {
                    firstStep = step;
                    driftSteps = offset;
                    return true;
                }
            }
        }
        return false;
    }

    private static DateTime AtStep(long step) => DateTime.UnixEpoch.AddSeconds((double)step * StepSeconds);

    private static bool IsCode(string code) => code.Length == 6 && code.All(char.IsAsciiDigit);

    public static StrataException Invalid() => S3Fail.Exception(StrataError.AccessDenied, "The MFA code is not valid or was already used.");
}
