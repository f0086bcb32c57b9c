namespace Strata.Testing;

/// <summary>A real Strata server serving HTTPS with its generated certificate; clients from it trust that CA.</summary>
public sealed class StrataTlsServer : StrataServer
{
    protected override bool Tls => true;
}
