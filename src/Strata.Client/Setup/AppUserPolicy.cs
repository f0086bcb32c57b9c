namespace Strata.Client.Setup;

/// <summary>
/// The least-privilege policy for the application's user (docs/examples/webapp-policy.json, for one media bucket):
/// put, get, list and delete behind a marker; never delete a version, change versioning or lifecycle, or drop the bucket.
/// </summary>
public static class AppUserPolicy
{
    /// <summary>The name apply gives the policy on the user.</summary>
    public const string Name = "strata-media-access";

    /// <summary>The policy document for <paramref name="mediaBucket"/>, the same text every time so a second apply can compare it.</summary>
    public static string For(string mediaBucket) => $$"""
        {
          "Version": "2012-10-17",
          "Statement": [
            { "Sid": "ListTheMediaBucket", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::{{mediaBucket}}" },
            { "Sid": "ReadWriteAndDeleteBehindAMarker", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], "Resource": "arn:aws:s3:::{{mediaBucket}}/*" },
            { "Sid": "NeverDestroyAVersion", "Effect": "Deny",
              "Action": ["s3:DeleteObjectVersion", "s3:PutBucketVersioning", "s3:PutLifecycleConfiguration", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:DeleteBucket"],
              "Resource": ["arn:aws:s3:::{{mediaBucket}}", "arn:aws:s3:::{{mediaBucket}}/*"] }
          ]
        }
        """;
}
