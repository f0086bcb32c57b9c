namespace Strata.AspNetCore.Configuration;

/// <summary>The backend a named storage uses (<c>"Backend"</c> in its configuration section).</summary>
public enum StorageBackend
{
    /// <summary>An S3 bucket (<see cref="S3.S3Storage"/>); the default.</summary>
    S3,

    /// <summary>A local directory (<see cref="FileSystem.FileSystemStorage"/>).</summary>
    FileSystem,
}
