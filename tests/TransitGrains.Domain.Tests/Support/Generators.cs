using CsCheck;
using NodaTime;
using TransitGrains.Domain.Events;

namespace TransitGrains.Domain.Tests.Support;

/// <summary>CsCheck generators shared by the property tests.</summary>
public static class Generators
{
    /// <summary>A random ordering of <paramref name="items"/> (every permutation is reachable).</summary>
    public static Gen<List<T>> Permutation<T>(IReadOnlyList<T> items) =>
        Gen.Int.Array[items.Count].Select(keys =>
            items.Select((item, i) => (item, key: keys[i], i)).OrderBy(x => x.key).ThenBy(x => x.i).Select(x => x.item).ToList());

    public static Gen<List<T>> Shuffled<T>(this Gen<List<T>> gen) => gen.SelectMany(items => Permutation(items));

    /// <summary>A random subset of <paramref name="items"/>, keeping their order.</summary>
    public static Gen<List<T>> Subset<T>(IReadOnlyList<T> items) =>
        Gen.Bool.Array[items.Count].Select(keep => items.Where((_, i) => keep[i]).ToList());

    /// <summary>How partners' reports reach us: each at its own moment, or a whole batch received at once.</summary>
    public enum Receipt
    {
        Distinct,
        AllEqual,
        FewBatches,
    }

    /// <summary>Re-stamps receivedAt: distinct (in an order unrelated to eventDateTime), all equal, or in a few batches.</summary>
    public static Gen<List<TransitEvent>> Received(IReadOnlyList<TransitEvent> events) =>
        Gen.Select(Gen.Enum<Receipt>(), Gen.Int[0, 1_000_000].Array[events.Count], (receipt, offsets) =>
        {
            var basis = Data.I("2021-02-01T00:00:00Z");
            return events.Select((e, i) => e with
            {
                ReceivedAt = receipt switch
                {
                    Receipt.Distinct => basis + Duration.FromSeconds(offsets[i] * (long)events.Count + i), // unique per index
                    Receipt.AllEqual => basis,
                    _ => basis + Duration.FromHours(offsets[i] % 3),
                },
            }).ToList();
        });

    private static readonly string[] Locations = [Data.Shunde, Data.Nansha, Data.Rotterdam, "CNFOS"];

    private static readonly (TransportMode Mode, string Id)[] Conveyances =
    [
        (TransportMode.BARGE, Data.Barge),
        (TransportMode.VESSEL, Data.Vessel),
        (TransportMode.BARGE, "SUIGANG905-2012B"),
    ];

    private static readonly string[] Containers = [Data.Csqu, Data.Apzu, Data.Zepu];

    private static readonly string[] Offsets = ["+08:00", "+01:00", "Z"];

    /// <summary>
    /// Arbitrary events around the one-port shipment: any code, mostly ACT, over a handful of places, conveyances and
    /// containers (one not booked), with times on a coarse grid so that equal eventDateTimes (also written with
    /// different offsets) are common. Ids are unique per position in the list.
    /// </summary>
    public static Gen<List<TransitEvent>> ArbitraryEvents(int maxCount = 25) =>
        Gen.Select(
                Gen.Enum<EventCode>(),
                Gen.Int[0, 9],
                Gen.Int[0, 40],
                Gen.Int[0, Offsets.Length - 1],
                Gen.Int[0, Locations.Length - 1],
                Gen.Int[0, Conveyances.Length - 1],
                Gen.Int[0, Containers.Length - 1],
                Gen.Int[0, 4])
            .Select(((EventCode code, int cls, int slot, int offset, int location, int conveyance, int container, int received) x) =>
            {
                var classifier = x.cls switch { 8 => EventClassifier.EST, 9 => EventClassifier.PLN, _ => EventClassifier.ACT };
                var at = Data.I("2020-11-30T00:00:00Z") + Duration.FromHours(6 * x.slot);
                var offset = Offsets[x.offset] == "Z" ? Offset.Zero : Offset.FromHours(int.Parse(Offsets[x.offset][..3], System.Globalization.CultureInfo.InvariantCulture));
                var type = EventVocabulary.TypeOf(x.code);
                var withConveyance = type == EventType.TRANSPORT || EventVocabulary.MovesContainer(x.code);
                var (mode, id) = Conveyances[x.conveyance];
                return new TransitEvent(
                    "",
                    type,
                    x.code,
                    classifier,
                    at.WithOffset(offset),
                    Data.L(Locations[x.location]),
                    null,
                    withConveyance ? mode : null,
                    withConveyance ? id : null,
                    type == EventType.TRANSPORT ? null : Data.C(Containers[x.container]),
                    null,
                    at + Duration.FromHours(x.received));
            })
            .List[0, maxCount]
            .Select(events => events.Select((e, i) => e with { EventId = $"EV-{i:D3}-{e.EventCode}" }).ToList());
}
