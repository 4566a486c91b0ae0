using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;

namespace TransitGrains.Domain.Conveyances;

/// <summary>A leg booked on a conveyance: its containers count as aboard once it has left the leg's origin.</summary>
[Orleans.GenerateSerializer, Orleans.Immutable]
public sealed record BookedLeg(
    [property: Orleans.Id(0)] string ShipmentId,
    [property: Orleans.Id(1)] UnLocode From,
    [property: Orleans.Id(2)] IReadOnlyList<ContainerNumber> Containers);

/// <summary>
/// A conveyance's calls, status and who is aboard, folded from its transport and LOAD/DISC events; each call's time is shown
/// in the zone of its location.
/// </summary>
public static class ConveyanceFold
{
    public static ConveyanceView View(
        ConveyanceKey key,
        IEnumerable<TransitEvent> transportEvents,
        ConveyanceMoves containerMoves,
        IEnumerable<BookedLeg> bookedLegs)
    {
        var calls = transportEvents.Where(e => e.IsActual).Order(TransitEvent.FoldOrder).ToList();
        var latest = calls.LastOrDefault();
        var status = latest is null ? ConveyanceStatus.PLANNED
            : latest.EventCode == EventCode.ARRI ? ConveyanceStatus.ARRIVED
            : ConveyanceStatus.DEPARTED;

        var aboard = new SortedSet<string>(containerMoves.Loaded.Select(c => c.Value), StringComparer.Ordinal);

        foreach (var leg in bookedLegs)
        {
            if (!calls.Any(c => c.EventCode == EventCode.DEPA && c.Location == leg.From))
            {
                continue;
            }

            foreach (var container in leg.Containers.Where(c => !containerMoves.HasMoved(c)))
            {
                aboard.Add(container.Value);
            }
        }

        return new ConveyanceView(
            key.Mode,
            key.ConveyanceId,
            status,
            latest?.Location.Value,
            latest?.EventDateTime.AtPlace(latest.Location),
            aboard.ToList(),
            calls.Select(c => new ConveyanceCall(c.Location.Value, c.EventCode, c.EventDateTime.AtPlace(c.Location))).ToList());
    }
}
