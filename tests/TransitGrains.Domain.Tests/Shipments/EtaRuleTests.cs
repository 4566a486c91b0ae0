using CsCheck;
using NodaTime;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Shipments;
using TransitGrains.Domain.Tests.Support;
using static TransitGrains.Domain.Tests.Support.Data;

namespace TransitGrains.Domain.Tests.Shipments;

public class EtaRuleTests
{
    private static readonly Instant Now = I("2020-12-10T00:00:00Z");

    private static ShipmentView View(params TransitEvent[] events) => Shipment.View(Bookings.OnePort(), events, Now);

    private static TransitEvent BargeDeparts(string at) => Ev.Depa(TransportMode.BARGE, Barge, Shunde, at);

    private static TransitEvent EstimatedArrival(string at, string receivedAt) =>
        Ev.Make(EventCode.ARRI, at, Rotterdam, TransportMode.VESSEL, Vessel, classifier: EventClassifier.EST, receivedAt: I(receivedAt));

    [Fact]
    public void Without_news_the_eta_is_the_planned_arrival()
    {
        var view = View();
        Assert.Equal(T("2021-01-08T06:00:00+01:00"), view.Eta);
        Assert.All(view.Legs, l => Assert.Null(l.EstimatedArrival));
        Assert.All(view.Legs, l => Assert.Null(l.EstimatedDeparture));
    }

    [Fact]
    public void A_barge_departing_3_hours_late_shifts_the_vessels_planned_arrival_by_3_hours()
    {
        var view = View(BargeDeparts("2020-11-30T12:00:00+08:00"));
        Assert.Equal(T("2021-01-08T09:00:00+01:00"), view.Eta);
        Assert.Equal(T("2021-01-08T09:00:00+01:00"), view.Legs[1].EstimatedArrival);
        Assert.Equal(T("2020-12-03T01:00:00+08:00"), view.Legs[1].EstimatedDeparture);
        Assert.Equal(T("2020-11-30T20:00:00+08:00"), view.Legs[0].EstimatedArrival);
        Assert.Null(view.Legs[0].EstimatedDeparture); // it has departed: the actual time says it all
        Assert.Equal(T("2020-12-02T22:00:00+08:00"), view.Legs[1].PlannedDeparture); // plans stay as booked
    }

    [Fact]
    public void Early_running_does_not_shift_anything()
    {
        var view = View(BargeDeparts("2020-11-30T08:00:00+08:00"));
        Assert.Equal(T("2021-01-08T06:00:00+01:00"), view.Eta);
        Assert.Null(view.Legs[1].EstimatedArrival);
        Assert.Null(view.Legs[1].EstimatedDeparture);
    }

    [Fact]
    public void The_latest_delay_counts_a_barge_that_catches_up_no_longer_delays_the_vessel()
    {
        var view = View(
            BargeDeparts("2020-11-30T12:00:00+08:00"),
            Ev.Arri(TransportMode.BARGE, Barge, Nansha, "2020-11-30T17:00:00+08:00"));
        Assert.Equal(T("2021-01-08T06:00:00+01:00"), view.Eta);
    }

    [Fact]
    public void A_late_vessel_departure_shifts_its_own_arrival()
    {
        var view = View(
            BargeDeparts("2020-11-30T09:00:00+08:00"),
            Ev.Depa(TransportMode.VESSEL, Vessel, Nansha, "2020-12-03T03:30:00+08:00"));
        Assert.Equal(T("2021-01-08T11:30:00+01:00"), view.Eta);
    }

    [Fact]
    public void An_estimate_wins_over_the_shifted_plan()
    {
        var view = View(BargeDeparts("2020-11-30T12:00:00+08:00"), EstimatedArrival("2021-01-07T20:00:00+01:00", "2020-12-01T00:00:00Z"));
        Assert.Equal(T("2021-01-07T20:00:00+01:00"), view.Eta);
        Assert.Equal(T("2021-01-07T20:00:00+01:00"), view.Legs[1].EstimatedArrival);
    }

    [Fact]
    public void The_most_recently_received_estimate_wins_whatever_time_it_names()
    {
        var older = EstimatedArrival("2021-01-12T08:00:00+01:00", "2020-12-01T00:00:00Z");
        var newer = EstimatedArrival("2021-01-09T08:00:00+01:00", "2020-12-05T00:00:00Z");
        Assert.Equal(T("2021-01-09T08:00:00+01:00"), View(older, newer).Eta);
        Assert.Equal(T("2021-01-09T08:00:00+01:00"), View(newer, older).Eta);
    }

    [Fact]
    public void The_latest_received_estimate_wins_in_any_order() =>
        Gen.Int[0, 240].Array[1, 8].SelectMany(hours => Generators.Permutation(hours.Distinct().ToList())).Sample(hours =>
        {
            // Each estimate names a different arrival. The later one is received, the EARLIER the arrival it names, so
            // "latest by eventDateTime" and "latest received" disagree; the contract says the latest received wins.
            var estimates = hours.Select(h => EstimatedArrival(
                Format(T("2021-01-08T06:00:00+01:00").Plus(Duration.FromHours(120 - h))),
                Format(I("2020-12-01T00:00:00Z") + Duration.FromMinutes(h)))).ToArray();
            var newest = hours.Max();
            Assert.Equal(T("2021-01-08T06:00:00+01:00").Plus(Duration.FromHours(120 - newest)), View(estimates).Eta);
        }, iter: 200);

    [Fact]
    public void An_actual_arrival_wins_over_every_estimate()
    {
        var view = View(
            EstimatedArrival("2021-01-12T08:00:00+01:00", "2021-01-09T00:00:00Z"),
            Ev.Arri(TransportMode.VESSEL, Vessel, Rotterdam, "2021-01-08T09:00:00+01:00"));
        Assert.Equal(T("2021-01-08T09:00:00+01:00"), view.Eta);
        Assert.Equal(T("2021-01-08T09:00:00+01:00"), view.Legs[1].ActualArrival);
    }

    [Fact]
    public void An_estimate_for_another_place_or_another_conveyance_is_ignored()
    {
        var elsewhere = Ev.Make(EventCode.ARRI, "2021-01-20T08:00:00+01:00", "DEHAM", TransportMode.VESSEL, Vessel, classifier: EventClassifier.EST);
        var otherShip = Ev.Make(EventCode.ARRI, "2021-01-20T08:00:00+01:00", Rotterdam, TransportMode.VESSEL, "MSCGULSUN-102E", classifier: EventClassifier.EST);
        Assert.Equal(T("2021-01-08T06:00:00+01:00"), View(elsewhere, otherShip).Eta);
    }

    [Fact]
    public void An_estimated_departure_delay_shifts_the_arrival_that_follows()
    {
        var view = View(Ev.Depa(TransportMode.VESSEL, Vessel, Nansha, "2020-12-03T04:00:00+08:00", EventClassifier.EST));
        Assert.Equal(T("2020-12-03T04:00:00+08:00"), view.Legs[1].EstimatedDeparture);
        Assert.Equal(T("2021-01-08T12:00:00+01:00"), view.Eta);
    }

    [Fact]
    public void Eta_is_null_when_nothing_is_known_or_planned()
    {
        var booking = Bookings.Make("GZ21-NOPLAN", null, [Bookings.RailLeg() with { PlannedDeparture = null, PlannedArrival = null }]);
        Assert.Null(Shipment.View(booking, [], Now).Eta);
    }

    [Fact]
    public void A_delay_shifts_the_eta_by_exactly_that_delay_and_early_running_never_does() =>
        Gen.Int[-600, 600].Sample(minutes =>
        {
            var departed = T("2020-11-30T09:00:00+08:00").Plus(Duration.FromMinutes(minutes));
            var eta = View(BargeDeparts(Format(departed))).Eta;
            Assert.Equal(T("2021-01-08T06:00:00+01:00").Plus(Duration.FromMinutes(Math.Max(0, minutes))), eta);
        }, iter: 200);
}
