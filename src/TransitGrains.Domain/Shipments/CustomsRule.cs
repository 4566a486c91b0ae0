using TransitGrains.Domain.Identifiers;

namespace TransitGrains.Domain.Shipments;

/// <summary>The shipment's customs status: the most restrictive of its containers' latest customs events.</summary>
public static class CustomsRule
{
    public static CustomsView Summarise(ShipmentProgress progress)
    {
        var containers = progress.Containers;
        if (containers.All(c => c.Customs is null))
        {
            return new CustomsView(
                progress.Booking.ExportDeclaration is null ? CustomsStatus.NOT_DECLARED : CustomsStatus.DECLARED, null, null);
        }

        foreach (var blocking in new[] { CustomsStatus.REVOKED, CustomsStatus.HELD, CustomsStatus.INSPECTION })
        {
            if (containers.FirstOrDefault(c => c.Customs == blocking) is { } held)
            {
                return new CustomsView(blocking, held.LastCustomsEvent!.Location.Value, null);
            }
        }

        if (containers.All(c => c.Customs == CustomsStatus.RELEASED))
        {
            var lastRelease = containers.Select(c => c.LastCustomsEvent!).MaxBy(e => e.OccurredAt)!;
            return new CustomsView(CustomsStatus.RELEASED, lastRelease.Location.Value, lastRelease.EventDateTime.AtPlace(lastRelease.Location));
        }

        return new CustomsView(CustomsStatus.DECLARED, null, null);
    }
}
