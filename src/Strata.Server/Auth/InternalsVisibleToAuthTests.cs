using System.Runtime.CompilerServices;

// The SigV4 and aws-chunked unit tests drive the internal types directly, without a server.
[assembly: InternalsVisibleTo("Strata.Server.Auth.Tests")]
