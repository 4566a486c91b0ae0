using CsCheck;
using TransitGrains.Domain.Conveyances;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Tests.Support;
using static TransitGrains.Domain.Tests.Support.Data;

namespace TransitGrains.Domain.Tests.Conveyances;

public class ConveyanceFoldTests
{
    private static readonly ConveyanceKey TrainKey = new(TransportMode.RAIL, Train);
    private static readonly ConveyanceKey BargeKey = new(TransportMode.BARGE, Barge);

    private static readonly TransitEvent Depa = Ev.Depa(TransportMode.RAIL, Train, Dalang, "2021-01-15T10:20:00+08:00");
    private static readonly TransitEvent Cros = Ev.Cros(TransportMode.RAIL, Train, Manzhouli, "2021-01-20T14:00:00+08:00");
    private static readonly TransitEvent Arri = Ev.Arri(TransportMode.RAIL, Train, Moscow, "2021-01-30T11:00:00+03:00");

    private static ConveyanceView Train_(IEnumerable<TransitEvent> transport, IEnumerable<TransitEvent>? moves = null, IEnumerable<BookedLeg>? booked = null) =>
        ConveyanceFold.View(TrainKey, transport, RecordedMoves.Of(moves ?? []), booked ?? []);

    [Fact]
    public void Without_transport_events_it_is_PLANNED()
    {
        var view = Train_([]);
        Assert.Equal(ConveyanceStatus.PLANNED, view.Status);
        Assert.Null(view.LastLocation);
        Assert.Null(view.LastEventDateTime);
        Assert.Empty(view.Calls);
        Assert.Empty(view.Aboard);
        Assert.Equal((TransportMode.RAIL, Train), (view.Mode, view.ConveyanceId));
    }

    [Fact]
    public void Estimated_and_planned_events_are_not_calls()
    {
        var view = Train_([
            Ev.Depa(TransportMode.RAIL, Train, Dalang, "2021-01-15T10:00:00+08:00", EventClassifier.EST),
            Ev.Arri(TransportMode.RAIL, Train, Moscow, "2021-01-30T10:00:00+03:00", EventClassifier.PLN),
        ]);
        Assert.Equal(ConveyanceStatus.PLANNED, view.Status);
        Assert.Empty(view.Calls);
    }

    [Fact]
    public void DEPARTED_after_its_departure()
    {
        var view = Train_([Depa]);
        Assert.Equal(ConveyanceStatus.DEPARTED, view.Status);
        Assert.Equal(Dalang, view.LastLocation);
        Assert.Equal(T("2021-01-15T10:20:00+08:00"), view.LastEventDateTime);
    }

    [Fact]
    public void A_border_crossing_keeps_it_DEPARTED()
    {
        var view = Train_([Depa, Cros]);
        Assert.Equal(ConveyanceStatus.DEPARTED, view.Status);
        Assert.Equal(Manzhouli, view.LastLocation);
        Assert.Equal(
            [new ConveyanceCall(Dalang, EventCode.DEPA, T("2021-01-15T10:20:00+08:00")), new ConveyanceCall(Manzhouli, EventCode.CROS, T("2021-01-20T14:00:00+08:00"))],
            view.Calls);
    }

    [Fact]
    public void ARRIVED_after_its_arrival()
    {
        var view = Train_([Depa, Cros, Arri]);
        Assert.Equal(ConveyanceStatus.ARRIVED, view.Status);
        Assert.Equal(Moscow, view.LastLocation);
        Assert.Equal(T("2021-01-30T11:00:00+03:00"), view.LastEventDateTime);
    }

    [Fact]
    public void Departing_again_after_an_arrival_is_DEPARTED()
    {
        var view = ConveyanceFold.View(BargeKey, [
            Ev.Depa(TransportMode.BARGE, Barge, Shunde, "2020-11-30T09:12:00+08:00"),
            Ev.Arri(TransportMode.BARGE, Barge, Nansha, "2020-11-30T17:12:00+08:00"),
            Ev.Depa(TransportMode.BARGE, Barge, Nansha, "2020-12-01T06:00:00+08:00"),
        ], new ConveyanceMoves(), []);
        Assert.Equal(ConveyanceStatus.DEPARTED, view.Status);
        Assert.Equal(Nansha, view.LastLocation);
    }

    [Fact]
    public void Calls_are_in_eventDateTime_order_whatever_the_input_order() =>
        Generators.Permutation<TransitEvent>([Depa, Cros, Arri]).SelectMany(Generators.Received).Sample(events =>
        {
            var view = Train_(events);
            Assert.Equal([Dalang, Manzhouli, Moscow], view.Calls.Select(c => c.Location));
            Assert.Equal([EventCode.DEPA, EventCode.CROS, EventCode.ARRI], view.Calls.Select(c => c.EventCode));
            Assert.Equal(ConveyanceStatus.ARRIVED, view.Status);
        }, iter: 100);

    [Fact]
    public void Calls_compare_instants_not_local_times()
    {
        // 2021-01-30T06:00+03:00 (Moscow) is 11:00 in China: after 2021-01-30T10:00+08:00 although it reads earlier.
        var late = Ev.Cros(TransportMode.RAIL, Train, "RUZAB", "2021-01-30T10:00:00+08:00");
        var arri = Ev.Arri(TransportMode.RAIL, Train, Moscow, "2021-01-30T06:00:00+03:00");
        var view = Train_([arri, late]);
        Assert.Equal(["RUZAB", Moscow], view.Calls.Select(c => c.Location));
        Assert.Equal(ConveyanceStatus.ARRIVED, view.Status);
    }

    [Fact]
    public void Aboard_from_LOAD_until_DISC()
    {
        var moves = new[]
        {
            Ev.Load(Csqu, TransportMode.RAIL, Train, Dalang, "2021-01-15T08:00:00+08:00"),
            Ev.Load(Apzu, TransportMode.RAIL, Train, Dalang, "2021-01-15T08:10:00+08:00"),
            Ev.Disc(Apzu, TransportMode.RAIL, Train, Manzhouli, "2021-01-21T09:00:00+08:00"),
        };
        Assert.Equal([Csqu], Train_([Depa, Cros], moves).Aboard);
        Assert.Equal([Apzu, Csqu], Train_([Depa], moves.Take(2)).Aboard); // sorted
        Assert.Empty(Train_([Depa], moves.Take(0)).Aboard);
    }

    [Fact]
    public void The_latest_move_decides_in_any_input_order()
    {
        var load = Ev.Load(Csqu, TransportMode.RAIL, Train, Dalang, "2021-01-15T08:00:00+08:00");
        var disc = Ev.Disc(Csqu, TransportMode.RAIL, Train, Manzhouli, "2021-01-21T09:00:00+08:00");
        var reload = Ev.Load(Csqu, TransportMode.RAIL, Train, Manzhouli, "2021-01-21T12:00:00+08:00");
        Assert.Empty(Train_([Depa], [disc, load]).Aboard);
        Assert.Equal([Csqu], Train_([Depa], [reload, disc, load]).Aboard);
        Assert.Empty(Train_([Depa], [load, disc with { Classifier = EventClassifier.EST }, disc with { EventId = "x", Classifier = EventClassifier.ACT }]).Aboard);
    }

    [Fact]
    public void Estimated_moves_do_not_board_anyone() =>
        Assert.Empty(Train_([Depa], [Ev.Load(Csqu, TransportMode.RAIL, Train, Dalang, "2021-01-15T08:00:00+08:00") with { Classifier = EventClassifier.EST }]).Aboard);

    [Fact]
    public void Booked_containers_are_aboard_once_it_departs_from_their_legs_from()
    {
        var booked = new BookedLeg("GZ21-RAIL-0001", L(Dalang), [C(Csqu), C(Apzu)]);
        Assert.Empty(Train_([], booked: [booked]).Aboard);
        Assert.Empty(Train_([Ev.Depa(TransportMode.RAIL, Train, Dalang, "2021-01-15T10:00:00+08:00", EventClassifier.EST)], booked: [booked]).Aboard);
        Assert.Equal([Apzu, Csqu], Train_([Depa], booked: [booked]).Aboard);
        Assert.Equal([Apzu, Csqu], Train_([Depa, Cros, Arri], booked: [booked]).Aboard);
    }

    [Fact]
    public void Booked_containers_boarding_elsewhere_wait_for_the_departure_from_their_own_from()
    {
        var fromManzhouli = new BookedLeg("GZ21-RAIL-0002", L(Manzhouli), [C(Zepu)]);
        Assert.Empty(Train_([Depa], booked: [fromManzhouli]).Aboard);
        Assert.Empty(Train_([Depa, Cros], booked: [fromManzhouli]).Aboard); // a crossing is not a departure
        Assert.Equal([Zepu], Train_([Depa, Cros, Ev.Depa(TransportMode.RAIL, Train, Manzhouli, "2021-01-21T20:00:00+08:00")], booked: [fromManzhouli]).Aboard);
    }

    [Fact]
    public void A_booked_container_discharged_from_the_conveyance_is_not_aboard()
    {
        var booked = new BookedLeg("GZ21-RAIL-0001", L(Dalang), [C(Csqu), C(Apzu)]);
        var disc = Ev.Disc(Csqu, TransportMode.RAIL, Train, Manzhouli, "2021-01-21T09:00:00+08:00");
        Assert.Equal([Apzu], Train_([Depa, Cros], [disc], [booked]).Aboard);
    }

    [Fact]
    public void Aboard_lists_each_container_once_whether_loaded_booked_or_both()
    {
        var booked = new BookedLeg("GZ21-RAIL-0001", L(Dalang), [C(Csqu)]);
        var load = Ev.Load(Csqu, TransportMode.RAIL, Train, Dalang, "2021-01-15T08:00:00+08:00");
        Assert.Equal([Csqu], Train_([Depa], [load, load], [booked, booked]).Aboard);
    }

    [Fact]
    public void The_view_does_not_depend_on_input_order()
    {
        var booked = new BookedLeg("GZ21-RAIL-0001", L(Dalang), [C(Zepu)]);
        TransitEvent[] transport = [Depa, Cros, Arri, Ev.Depa(TransportMode.RAIL, Train, Manzhouli, "2021-01-21T20:00:00+08:00")];
        TransitEvent[] moves =
        [
            Ev.Load(Csqu, TransportMode.RAIL, Train, Dalang, "2021-01-15T08:00:00+08:00"),
            Ev.Disc(Csqu, TransportMode.RAIL, Train, Manzhouli, "2021-01-21T09:00:00+08:00"),
            Ev.Load(Apzu, TransportMode.RAIL, Train, Manzhouli, "2021-01-21T12:00:00+08:00"),
            Ev.Disc(Zepu, TransportMode.RAIL, Train, Moscow, "2021-01-30T12:00:00+03:00"),
        ];
        var gen =
            from t in Generators.Subset(transport).SelectMany(Generators.Received)
            from m in Generators.Subset(moves).SelectMany(Generators.Received)
            from ts in Generators.Permutation(t)
            from ms in Generators.Permutation(m)
            select (t, m, ts, ms);
        gen.Sample((t, m, ts, ms) =>
        {
            var a = Train_(t, m, [booked]);
            var b = Train_(ts, ms, [booked]);
            Assert.Equal((a.Status, a.LastLocation, a.LastEventDateTime), (b.Status, b.LastLocation, b.LastEventDateTime));
            Assert.Equal(a.Aboard, b.Aboard);
            Assert.Equal(a.Calls, b.Calls);
        }, iter: 300);
    }
}
