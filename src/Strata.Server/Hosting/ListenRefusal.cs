using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace Strata.Server.Hosting;

/// <summary>Why Kestrel could not listen, in words that say what to do; null for a cause that is not foreseeable.</summary>
internal static class ListenRefusal
{
    /// <summary>
    /// Binds the address once, before the data directory is touched, so that a taken port refuses the start
    /// without creating anything there. Kestrel binds again (a port taken in between is still explained).
    /// </summary>
    /// <exception cref="ServeRefusedException">The address cannot be bound.</exception>
    public static void ThrowIfTaken(System.Net.IPEndPoint endpoint, string listen)
    {
        if (endpoint.Port == 0) return;
        using var probe = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(endpoint);
        }
        catch (SocketException e)
        {
            if (Explain(e, listen) is { } refusal) throw new ServeRefusedException(refusal);
            throw;
        }
    }

    public static string? Explain(Exception failure, string listen)
    {
        for (Exception? e = failure; e is not null; e = e.InnerException)
        {
            if (e is AddressInUseException) return InUse(listen);
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.AddressAlreadyInUse => InUse(listen),
                    SocketError.AddressNotAvailable => $"Cannot listen on {listen}: that address is not one of this machine's. Choose another with --listen HOST:PORT (e.g. 127.0.0.1:9000, or 0.0.0.0:9000 for every interface).",
                    SocketError.AccessDenied => $"Cannot listen on {listen}: permission denied (ports below 1024 need privileges). Choose a port of 1024 or more with --listen HOST:PORT.",
                    _ => null,
                };
            }
        }
        return null;
    }

    private static string InUse(string listen) =>
        $"Cannot listen on {listen}: the port is in use by another program (another strata serve?). Choose another with --listen HOST:PORT, e.g. --listen 127.0.0.1:9001.";
}
