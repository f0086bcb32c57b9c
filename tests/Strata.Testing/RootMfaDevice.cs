namespace Strata.Testing;

/// <summary>The root user's virtual MFA device as the admin API shows it once: serial, TOTP seed, otpauth:// URI.</summary>
public sealed record RootMfaDevice(string Serial, byte[] Secret, string Uri);
