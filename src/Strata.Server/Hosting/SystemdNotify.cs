using System.Net.Sockets;
using System.Text;

namespace Strata.Server.Hosting;

/// <summary>
/// sd_notify(3) for a unit with Type=notify: a datagram to the socket systemd names in NOTIFY_SOCKET. Written here
/// rather than taken from Microsoft.Extensions.Hosting.Systemd, whose lifetime only switches on when the parent
/// process is systemd itself (so no test could see READY=1) and would take over SIGTERM from `strata serve`, which
/// already stops cleanly on it through the command's cancellation.
/// </summary>
public static class SystemdNotify
{
    public const string SocketVariable = "NOTIFY_SOCKET";

    /// <summary>Sends <paramref name="state"/> ("READY=1", "STOPPING=1", "STATUS=…", one per line); false when not under systemd or the socket is gone.</summary>
    public static bool Send(string state)
    {
        var path = Environment.GetEnvironmentVariable(SocketVariable);
        if (string.IsNullOrEmpty(path)) return false;
        // "@name" is a socket in the abstract namespace, whose address starts with a NUL byte.
        if (path[0] == '@') path = "\0" + path[1..];
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            socket.Send(Encoding.UTF8.GetBytes(state));
            return true;
        }
        catch (SocketException)
        {
            // systemd gone or the variable stale: serving goes on; systemd would time the start out on its own.
            return false;
        }
    }
}
