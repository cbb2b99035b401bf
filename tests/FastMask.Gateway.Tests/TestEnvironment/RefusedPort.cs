using System.Net;
using System.Net.Sockets;

namespace FastMask.Gateway.Tests.TestEnvironment;

/// <summary>
/// A loopback port that refuses connections for as long as the returned socket lives: bound but never listening, so no
/// other test's server can take the port in the meantime (as it could after a listener is stopped).
/// </summary>
internal static class RefusedPort
{
    public static Socket Reserve(out int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        return socket;
    }
}
