using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Conveyances;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Validation;

namespace TransitGrains.Api;

public static class ConveyanceEndpoints
{
    public static void MapConveyances(this IEndpointRouteBuilder api)
    {
        api.MapGet("/api/v1/conveyances/{mode}/{conveyanceId}", Get)
            .RequireAuthorization(ApiPolicies.Conveyances)
            .WithTags("Conveyances")
            .WithName("GetConveyance")
            .WithSummary("A train, barge, vessel or truck: status, calls, containers aboard")
            .WithDescription("mode is rail, barge, vessel or truck. A forwarder key sees only its own containers in 'aboard'.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<Results<Ok<ConveyanceView>, ProblemHttpResult>> Get(
        [Description("rail, barge, vessel or truck")] string mode,
        [StringLength(ReferenceCode.ConveyanceIdMaxLength, MinimumLength = ReferenceCode.ConveyanceIdMinLength)]
        [RegularExpression(ReferenceCode.Pattern)]
        string conveyanceId,
        HttpContext http,
        IGrainFactory grains)
    {
        if (!EnumText.TryParse<TransportMode>(mode.ToUpperInvariant(), out var transportMode))
        {
            return Problems.Field("mode", "one of rail, barge, vessel, truck");
        }

        if (!ReferenceCode.IsConveyanceId(conveyanceId))
        {
            return Problems.Field("conveyanceId", ReferenceCode.ConveyanceIdRule);
        }

        var caller = http.Caller();
        var key = new ConveyanceKey(transportMode, conveyanceId);
        var view = await grains.GetGrain<IConveyanceGrain>(key.ToString())
            .GetView(caller.Role == ApiRole.Forwarder ? caller.Forwarder : null);
        return view is null ? Problems.NotFound($"Nothing is known of {mode.ToLowerInvariant()} {conveyanceId}.") : TypedResults.Ok(view);
    }
}
