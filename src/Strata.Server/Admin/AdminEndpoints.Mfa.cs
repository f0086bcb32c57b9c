using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Server.Auth;

namespace Strata.Server.Admin;

/// <summary>
/// The root user's MFA device after it is created, as IAM's ListMFADevices, DeactivateMFADevice and
/// ResyncMFADevice: list it (never its seed), remove it with a current code, and measure its clock's drift from
/// two consecutive codes. There is no endpoint that removes a device without a code: for a lost device, the
/// break-glass path is `strata admin mfa reset --data DIR`, offline, with local access to the data directory.
/// </summary>
internal sealed partial class AdminEndpoints
{
    private string RootMfaSerial => $"arn:aws:iam::{authenticator.Credentials.AccountId}:mfa/root-account-mfa-device";

    private Task ListMfaDevicesAsync(HttpContext http) => WriteJsonAsync(http, w =>
    {
        w.WriteStartArray("devices");
        foreach (var device in engine.ListMfaDevices())
        {
            w.WriteStartObject();
            w.WriteString("serial", device.Serial);
            w.WriteString("created", device.Created);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    /// <summary>
    /// Needs a current code, checked and used once exactly as x-amz-mfa's. S3 does not stop a root user from
    /// deactivating the device while buckets have MFA Delete on; their protected operations are then impossible
    /// until a new device exists, so the answer names those buckets.
    /// </summary>
    private async Task DeactivateMfaDeviceAsync(HttpContext http)
    {
        var serial = RequireRootDevice();
        var code = http.Request.Query["code"].ToString();
        if (!mfa.TryMatch(serial, code, out var step) || !await engine.DeactivateMfaDeviceAsync(serial, step)) throw MfaVerifier.Invalid();
        mfa.Reload(engine);
        var protectedBuckets = engine.ListBuckets().Where(b => b.MfaDelete == MfaDeleteState.Enabled).Select(b => b.Name.ToString()).ToList();
        await WriteJsonAsync(http, w =>
        {
            w.WriteString("deactivated", serial);
            if (protectedBuckets.Count == 0) return;
            w.WriteString("warning", $"MFA Delete is on for {protectedBuckets.Count} bucket(s): deleting versions and changing their versioning " +
                "are impossible until a new device exists (`strata admin mfa enable`).");
            WriteBuckets(w, protectedBuckets);
        });
    }

    /// <summary>IAM's ResyncMFADevice: two consecutive codes within ±10 minutes of the server's clock (see <see cref="MfaVerifier.ResyncWindowSteps"/>).</summary>
    private async Task ResyncMfaDeviceAsync(HttpContext http)
    {
        var serial = RequireRootDevice();
        var code1 = http.Request.Query["code1"].ToString();
        var code2 = http.Request.Query["code2"].ToString();
        if (!mfa.TryResync(serial, code1, code2, out var firstStep, out var drift))
        {
            throw S3Fail.Exception(StrataError.AccessDenied,
                "The two codes are not consecutive codes of the device within 10 minutes of the server's clock. Enter two codes in a row as the device shows them.");
        }
        if (!await engine.ResyncMfaDeviceAsync(serial, firstStep, drift)) throw MfaVerifier.Invalid();
        mfa.Reload(engine);
        await WriteJsonAsync(http, w =>
        {
            w.WriteString("resynced", serial);
            w.WriteNumber("clockOffsetSeconds", drift * 30);
        });
    }

    private string RequireRootDevice()
    {
        var serial = RootMfaSerial;
        if (!engine.ListMfaDevices().Exists(d => d.Serial == serial))
        {
            throw S3Fail.Exception(StrataError.NoSuchEntity, $"The root user has no MFA device ({serial}); create one with `strata admin mfa enable`.");
        }
        return serial;
    }

    private static void WriteBuckets(Utf8JsonWriter w, List<string> names)
    {
        w.WriteStartArray("mfaDeleteBuckets");
        foreach (var name in names)
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
