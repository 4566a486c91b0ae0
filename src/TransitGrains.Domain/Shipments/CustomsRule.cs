using NodaTime;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;

namespace TransitGrains.Domain.Shipments;

/// <summary>
/// The shipment's customs status: the most restrictive of its containers' latest customs events; and which release
/// counts when a conveyance leaves.
/// </summary>
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

    /// <summary>
    /// The release of <paramref name="container"/> at <paramref name="location"/> that stands when the conveyance
    /// departs at <paramref name="departure"/>: its latest actual CUSR there, unless a CUSH or CUSI came after it, no
    /// later than the departure. A later CUSR releases it again; a hold after the departure does not take back a
    /// release the conveyance left with. Judged by event time, so the order of arrival does not matter.
    /// </summary>
    public static TransitEvent? StandingRelease(
        IReadOnlyList<TransitEvent> history, ContainerNumber container, UnLocode location, Instant departure)
    {
        var decisions = history
            .Where(e => e.IsActual && e.ContainerNumber == container && e.EventCode is EventCode.CUSR or EventCode.CUSH or EventCode.CUSI)
            .ToList();
        var release = decisions.FindLastIndex(e => e.EventCode == EventCode.CUSR && e.Location == location);
        if (release < 0)
        {
            return null;
        }

        var heldAfter = decisions.Skip(release + 1).Any(e => e.EventCode != EventCode.CUSR && e.OccurredAt <= departure);
        return heldAfter ? null : decisions[release];
    }
}
