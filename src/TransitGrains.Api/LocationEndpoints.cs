using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using TransitGrains.Domain.Identifiers;

namespace TransitGrains.Api;

/// <summary>A place the service knows by its UN/LOCODE: its names by language, and the zone its local times are shown in.</summary>
public sealed record KnownPlace(
    string Code,
    [property: Description("The place's name by language (BCP 47 tag): en, zh-CN.")] IReadOnlyDictionary<string, string> Names,
    [property: Description("The IANA tzdb zone its local times are shown in; null where the service cannot place it.")] string? TimeZone);

public sealed record PlaceList(IReadOnlyList<KnownPlace> Items);

public static class LocationEndpoints
{
    // Reference data: the same for every caller and every request of this build.
    private static readonly PlaceList Places = new(KnownLocations.All
        .Select(l => new KnownPlace(
            l.Code.Value,
            l.ChineseName is { } chinese
                ? new Dictionary<string, string> { ["en"] = l.Name, ["zh-CN"] = chinese }
                : new Dictionary<string, string> { ["en"] = l.Name },
            LocationZones.ZoneOf(l.Code)?.Id))
        .ToList());

    public static void MapLocations(this IEndpointRouteBuilder api)
    {
        api.MapGet("/api/v1/locations", Ok<PlaceList> () => TypedResults.Ok(Places))
            .RequireAuthorization(ApiPolicies.AnyKey)
            .WithTags("Locations")
            .WithName("ListLocations")
            .WithSummary("The places the service knows by name")
            .WithDescription(
                "Every UN/LOCODE of the project's routes, refund notices and samples with its names in English and Simplified "
                + "Chinese and its time zone: what the forwarder page shows for a code. Other codes are valid too; they have no name here.");
    }
}
