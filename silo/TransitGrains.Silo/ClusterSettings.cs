using System.Net;

namespace TransitGrains.Silo;

/// <summary><c>Transit:Cluster:*</c>: lets several silos run on one machine or many.</summary>
public sealed record ClusterSettings(
    string ClusterId, string ServiceId, int SiloPort, int GatewayPort, IPAddress AdvertisedIp, bool ListenOnAny)
{
    public const string StorageConnectionName = "Transit";

    public static ClusterSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Transit:Cluster");
        var advertised = section["AdvertisedIp"];
        return new ClusterSettings(
            section["ClusterId"] ?? "transit",
            section["ServiceId"] ?? "transitgrains",
            section.GetValue("SiloPort", 11111),
            section.GetValue("GatewayPort", 30000),
            advertised is null ? IPAddress.Loopback : IPAddress.Parse(advertised),
            // An advertised address other than loopback means other machines must reach us.
            ListenOnAny: advertised is not null && !IPAddress.IsLoopback(IPAddress.Parse(advertised)));
    }
}
