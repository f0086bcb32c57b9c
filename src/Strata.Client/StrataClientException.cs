namespace Strata.Client;

/// <summary>
/// A problem that stops a whole recovery command, already explained in plain words with the fix
/// (a missing permission, a missing bucket, versioning off). Print <see cref="Exception.Message"/> as is.
/// </summary>
public sealed class StrataClientException : Exception
{
    /// <summary>Creates the exception with its plain-words message.</summary>
    public StrataClientException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
