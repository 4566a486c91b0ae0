using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Webhooks;

/// <summary>A callback's host is, or resolves to, an address that callbacks may not reach.</summary>
public sealed class CallbackRefusedException(string message) : Exception(message);

/// <summary>
/// Keeps callbacks off the service's own machine and the networks around it (<see cref="CallbackAddresses"/>), unless
/// private networks are allowed (the Development environment, or <c>Transit:Webhooks:AllowPrivateNetworks</c>). A
/// subscription's URL is checked when it is made; every delivery connects only through <see cref="ConnectAsync"/>, which
/// checks the addresses the name resolves to at that moment, and connects to those, so a name that is re-pointed
/// afterwards (DNS rebinding) reaches nothing it should not.
/// </summary>
public sealed class CallbackGuard(bool allowPrivateNetworks, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null) : ICallbackGuard
{
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve = resolve ?? Dns.GetHostAddressesAsync;

    public async Task<string?> RefusalAsync(Uri url, CancellationToken ct)
    {
        if (allowPrivateNetworks)
        {
            return null;
        }

        try
        {
            await AddressesAsync(url.IdnHost, ct);
            return null;
        }
        catch (CallbackRefusedException refused)
        {
            return refused.Message;
        }
        catch (SocketException)
        {
            return $"the host {url.IdnHost} cannot be resolved";
        }
    }

    /// <summary>The <see cref="SocketsHttpHandler.ConnectCallback"/> of every delivery.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = await AddressesAsync(context.DnsEndPoint.Host, ct);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The host's addresses; refused when any of them may not be reached (a name that also points inside is not trusted at all).</summary>
    private async Task<IPAddress[]> AddressesAsync(string host, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await _resolve(host, ct);
        if (!allowPrivateNetworks && addresses.Select(a => (Address: a, Kind: CallbackAddresses.Refusal(a))).FirstOrDefault(a => a.Kind is not null) is
            { Kind: { } kind } refused)
        {
            throw new CallbackRefusedException(
                $"{(literal is null ? $"{host} resolves to {refused.Address}, " : $"{host} is ")}{kind}: callbacks may not reach it");
        }

        return addresses;
    }
}
