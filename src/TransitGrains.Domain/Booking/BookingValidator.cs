using NodaTime;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Validation;

namespace TransitGrains.Domain.Booking;

/// <summary>The rules of <c>POST /api/v1/shipments</c>.</summary>
public static class BookingValidator
{
    public const int MaxContainers = 500;
    public const int MaxLegs = 10;

    public static Validated<ShipmentBooking> Validate(BookingRequest request, string forwarder)
    {
        var errors = new ValidationErrors();

        if (!ReferenceCode.IsShipmentId(request.ShipmentId))
        {
            errors.Add("shipmentId", ReferenceCode.ShipmentIdRule);
        }

        var containers = ValidateContainers(request.Containers, errors);

        if (!EnumText.TryParse<TradeMode>(request.TradeMode, out var tradeMode))
        {
            errors.Add("tradeMode", EnumText.Choices<TradeMode>());
        }

        var declaration = ValidateDeclaration(request.ExportDeclaration, errors);
        var legs = ValidateLegs(request.Legs, errors);

        return errors.IsEmpty
            ? new Validated<ShipmentBooking>(
                new ShipmentBooking(request.ShipmentId!, forwarder, tradeMode, containers, declaration, legs), errors)
            : new Validated<ShipmentBooking>(null, errors);
    }

    private static List<ContainerNumber> ValidateContainers(IReadOnlyList<string?>? texts, ValidationErrors errors)
    {
        var containers = new List<ContainerNumber>();
        if (texts is null || texts.Count is 0 or > MaxContainers)
        {
            errors.Add("containers", $"1-{MaxContainers} ISO 6346 container numbers");
            return containers;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < texts.Count; i++)
        {
            if (!ContainerNumber.TryParse(texts[i], out var number, out var error))
            {
                errors.Add($"containers[{i}]", error!);
            }
            else if (!seen.Add(number.Value))
            {
                errors.Add($"containers[{i}]", $"{number} is listed twice");
            }
            else
            {
                containers.Add(number);
            }
        }

        return containers;
    }

    private static ExportDeclaration? ValidateDeclaration(ExportDeclarationRequest? request, ValidationErrors errors)
    {
        if (request is null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(request.Number) || request.Number.Length > 40)
        {
            errors.Add("exportDeclaration.number", "required, 1-40 characters");
        }

        if (string.IsNullOrWhiteSpace(request.ExporterTaxId) || request.ExporterTaxId.Length > 40)
        {
            errors.Add("exportDeclaration.exporterTaxId", "required, 1-40 characters");
        }

        return new ExportDeclaration(request.Number ?? "", request.ExporterTaxId ?? "", request.DangerousGoods ?? false);
    }

    private static List<PlannedLeg> ValidateLegs(IReadOnlyList<LegRequest?>? requests, ValidationErrors errors)
    {
        var legs = new List<PlannedLeg>();
        if (requests is null || requests.Count is 0 or > MaxLegs)
        {
            errors.Add("legs", $"1-{MaxLegs} legs");
            return legs;
        }

        for (var i = 0; i < requests.Count; i++)
        {
            var field = $"legs[{i}]";
            if (requests[i] is not { } leg)
            {
                errors.Add(field, "a leg is an object with mode, conveyanceId, from and to");
                continue;
            }

            var valid = true;
            if (!EnumText.TryParse<TransportMode>(leg.Mode, out var mode))
            {
                errors.Add($"{field}.mode", EnumText.Choices<TransportMode>());
                valid = false;
            }

            if (!ReferenceCode.IsConveyanceId(leg.ConveyanceId))
            {
                errors.Add($"{field}.conveyanceId", ReferenceCode.ConveyanceIdRule);
                valid = false;
            }

            valid &= ParseLocation(leg.From, $"{field}.from", errors, out var from);
            valid &= ParseLocation(leg.To, $"{field}.to", errors, out var to);
            valid &= ParseOptionalTime(leg.PlannedDeparture, $"{field}.plannedDeparture", errors, out var departure);
            valid &= ParseOptionalTime(leg.PlannedArrival, $"{field}.plannedArrival", errors, out var arrival);

            if (departure is { } d && arrival is { } a && a.ToInstant() < d.ToInstant())
            {
                errors.Add($"{field}.plannedArrival", "arrival cannot be before departure");
                valid = false;
            }

            if (valid && legs.Count == i && i > 0 && legs[i - 1].To != from)
            {
                errors.Add($"{field}.from", $"legs connect: leg {i} starts at {from} but leg {i - 1} ends at {legs[i - 1].To}");
            }

            if (valid)
            {
                legs.Add(new PlannedLeg(mode, leg.ConveyanceId!, from, to, departure, arrival));
            }
        }

        return legs;
    }

    private static bool ParseLocation(string? text, string field, ValidationErrors errors, out UnLocode code)
    {
        if (UnLocode.TryParse(text, out code))
        {
            return true;
        }

        errors.Add(field, UnLocode.FormatDescription);
        return false;
    }

    private static bool ParseOptionalTime(string? text, string field, ValidationErrors errors, out OffsetDateTime? value)
    {
        value = null;
        if (text is null)
        {
            return true;
        }

        if (TimeText.TryParse(text, out var parsed))
        {
            value = parsed;
            return true;
        }

        errors.Add(field, TimeText.Requirement);
        return false;
    }
}
