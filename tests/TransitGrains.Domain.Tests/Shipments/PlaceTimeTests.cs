using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Conveyances;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Shipments;
using TransitGrains.Domain.Tests.Support;
using static TransitGrains.Domain.Tests.Support.Data;

namespace TransitGrains.Domain.Tests.Shipments;

/// <summary>Every time the views show is in the zone of its place, whatever offset the reporter used.</summary>
public class PlaceTimeTests
{
    private static readonly ShipmentBooking ReturnTrain = Bookings.Make("GZ26-RETURN-01", null,
        [new PlannedLeg(TransportMode.RAIL, Train, L(Moscow), L(Dalang), T("2026-10-29T10:00:00+03:00"), T("2026-11-13T12:00:00Z"))], Csqu);

    [Fact]
    public void A_return_train_reported_in_Moscow_time_is_shown_in_Moscow_Manzhouli_and_Dalang_time()
    {
        // Russian rail systems report in Moscow time, wherever the train is.
        var view = Shipment.View(ReturnTrain,
        [
            Ev.Load(Csqu, TransportMode.RAIL, Train, Moscow, "2026-10-29T08:00:00+03:00"),
            Ev.Depa(TransportMode.RAIL, Train, Moscow, "2026-10-29T10:20:00Z"),
            Ev.Cros(TransportMode.RAIL, Train, Manzhouli, "2026-11-09T04:00:00+03:00"),
            Ev.Arri(TransportMode.RAIL, Train, Dalang, "2026-11-13T18:00:00+03:00", EventClassifier.EST),
            Ev.Arri(TransportMode.RAIL, Train, Dalang, "2026-11-13T18:00:00+03:00"),
        ], I("2026-11-14T00:00:00Z"));

        var leg = view.Legs.Single();
        Assert.Equal(T("2026-10-29T10:00:00+03:00"), leg.PlannedDeparture);
        Assert.Equal(T("2026-10-29T13:20:00+03:00"), leg.ActualDeparture);
        Assert.Equal(T("2026-11-13T20:00:00+08:00"), leg.PlannedArrival);
        Assert.Equal(T("2026-11-13T23:00:00+08:00"), leg.ActualArrival);
        Assert.Equal(T("2026-11-13T23:00:00+08:00"), view.Eta);
        Assert.Equal(
            ["2026-10-29T08:00:00+03", "2026-10-29T13:20:00+03", "2026-11-09T09:00:00+08", "2026-11-13T23:00:00+08", "2026-11-13T23:00:00+08"],
            view.Timeline!.Select(e => Format(e.EventDateTime)));
    }

    [Fact]
    public void Estimates_and_the_planned_times_they_shift_are_shown_at_the_legs_ends()
    {
        // The barge leaves Shunde 2 hours late (reported in UTC): the shifted arrival at Nansha and the vessel's times follow.
        var view = Shipment.View(Bookings.OnePort(),
        [
            Ev.Depa(TransportMode.BARGE, Barge, Shunde, "2020-11-30T03:00:00Z"),
            Ev.Depa(TransportMode.VESSEL, Vessel, Nansha, "2020-12-02T16:00:00Z", EventClassifier.EST),
        ], I("2020-11-30T12:00:00Z"));

        Assert.Equal(T("2020-11-30T11:00:00+08:00"), view.Legs[0].ActualDeparture);
        Assert.Equal(T("2020-11-30T19:00:00+08:00"), view.Legs[0].EstimatedArrival);
        Assert.Equal(T("2020-12-03T00:00:00+08:00"), view.Legs[1].EstimatedDeparture);
        Assert.Equal(T("2021-01-08T08:00:00+01:00"), view.Legs[1].EstimatedArrival);
        Assert.Equal(T("2021-01-08T08:00:00+01:00"), view.Eta);
    }

    [Fact]
    public void A_customs_release_reported_in_UTC_is_shown_in_the_release_ports_time()
    {
        var view = Shipment.View(Bookings.OnePort(), [Ev.Customs(EventCode.CUSR, Csqu, Shunde, "2020-11-30T00:40:00Z")], I("2020-11-30T12:00:00Z"));

        Assert.Equal((CustomsStatus.RELEASED, T("2020-11-30T08:40:00+08:00")), (view.Customs.Status, view.Customs.ReleasedAt));
    }

    [Fact]
    public void The_ETA_history_is_in_the_destinations_time_and_an_offset_alone_is_no_change()
    {
        var history = new List<EtaChange>
        {
            new(I("2020-11-29T10:00:00Z"), T("2021-01-08T06:00:00+01:00"), "booking"),
            new(I("2020-12-05T10:00:00Z"), T("2021-01-08T05:00:00Z"), "EST-1"), // the same instant, in UTC
            new(I("2020-12-06T10:00:00Z"), T("2021-01-09T00:00:00+08:00"), "EST-2"),
            new(I("2020-12-07T10:00:00Z"), null, "cancelled"),
        };
        var record = Shipment.Record(Bookings.OnePort(), []) with { EtaHistory = history };

        var shown = Shipment.View(record, I("2020-12-08T00:00:00Z")).EtaHistory;

        Assert.Equal(["booking 2021-01-08T06:00:00+01", "EST-2 2021-01-08T17:00:00+01", "cancelled null"],
            shown.Select(c => $"{c.CausedBy} {Format(c.Eta)}"));
    }

    [Fact]
    public void A_conveyances_calls_are_shown_in_the_time_of_each_place()
    {
        var view = ConveyanceFold.View(new ConveyanceKey(TransportMode.RAIL, Train),
        [
            Ev.Depa(TransportMode.RAIL, Train, Dalang, "2021-01-15T02:20:00Z"),
            Ev.Cros(TransportMode.RAIL, Train, Manzhouli, "2021-01-20T09:00:00+03:00"),
            Ev.Arri(TransportMode.RAIL, Train, Moscow, "2021-01-30T08:00:00Z"),
        ], RecordedMoves.Of([]), []);

        Assert.Equal(["2021-01-15T10:20:00+08", "2021-01-20T14:00:00+08", "2021-01-30T11:00:00+03"], view.Calls.Select(c => Format(c.EventDateTime)));
        Assert.Equal(T("2021-01-30T11:00:00+03:00"), view.LastEventDateTime);
    }
}
