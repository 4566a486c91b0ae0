using System.Globalization;
using System.Text;
using NodaTime;
using NodaTime.Text;
using TransitGrains.Domain.Booking;
using TransitGrains.Domain.Conveyances;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Shipments;
using TransitGrains.Domain.TaxRefund;

namespace TransitGrains.Domain.Tests.Support;

/// <summary>Places, conveyances and containers from domain.md / api.md.</summary>
public static class Data
{
    // Containers (valid ISO 6346).
    public const string Csqu = "CSQU3054383";
    public const string Apzu = "APZU4812090";
    public const string Zepu = "ZEPU0037255";

    // Places.
    public const string Shunde = "CNSUD";   // Shunde Beijiao, a departure port
    public const string Nansha = "CNNSA";   // Guangzhou Nansha, the hub / exit port
    public const string Rotterdam = "NLRTM";
    public const string Dalang = "CNDLG";   // Dalang freight yard, Guangzhou
    public const string Manzhouli = "CNMZL"; // gauge break, border crossing
    public const string Moscow = "RUMOW";

    // Conveyances.
    public const string Barge = "SUIGANG903-2011A";
    public const string Vessel = "COSCOPRIDE-047W";
    public const string Train = "X8426-20210115";
    public const string BroadGaugeTrain = "ZBK-8426-20210121";

    public const string DeclarationNumber = "530120201000012345";
    public const string ExporterTaxId = "91440600MA4WXXXX1X";

    public static OffsetDateTime T(string text) => OffsetDateTimePattern.ExtendedIso.Parse(text).Value;

    public static Instant I(string text) => T(text).ToInstant();

    public static UnLocode L(string code) => UnLocode.Parse(code);

    public static ContainerNumber C(string number) => ContainerNumber.Parse(number);

    public static string Format(OffsetDateTime? value) =>
        value is { } v ? OffsetDateTimePattern.ExtendedIso.Format(v) : "null";

    public static string Format(Instant? value) => value is { } v ? InstantPattern.ExtendedIso.Format(v) : "null";
}

/// <summary>Event factory. Ids are derived from the content, so distinct events get distinct ids deterministically.</summary>
public static class Ev
{
    /// <summary>Ports report a few minutes after the fact.</summary>
    public static readonly Duration ReportingDelay = Duration.FromMinutes(5);

    public static TransitEvent Make(
        EventCode code,
        string at,
        string location,
        TransportMode? mode = null,
        string? conveyance = null,
        string? container = null,
        EventClassifier classifier = EventClassifier.ACT,
        string? id = null,
        Instant? receivedAt = null,
        string? declaration = null)
    {
        var time = Data.T(at);
        id ??= $"{location}-{code}-{classifier}-{container ?? conveyance}-{time.ToInstant().ToUnixTimeSeconds()}";
        return new TransitEvent(
            id,
            EventVocabulary.TypeOf(code),
            code,
            classifier,
            time,
            Data.L(location),
            null,
            mode,
            conveyance,
            container is null ? null : Data.C(container),
            declaration,
            receivedAt ?? time.ToInstant() + ReportingDelay);
    }

    public static TransitEvent Depa(TransportMode mode, string conveyance, string location, string at, EventClassifier classifier = EventClassifier.ACT) =>
        Make(EventCode.DEPA, at, location, mode, conveyance, classifier: classifier);

    public static TransitEvent Arri(TransportMode mode, string conveyance, string location, string at, EventClassifier classifier = EventClassifier.ACT) =>
        Make(EventCode.ARRI, at, location, mode, conveyance, classifier: classifier);

    public static TransitEvent Cros(TransportMode mode, string conveyance, string location, string at) =>
        Make(EventCode.CROS, at, location, mode, conveyance);

    public static TransitEvent Load(string container, TransportMode mode, string conveyance, string location, string at) =>
        Make(EventCode.LOAD, at, location, mode, conveyance, container);

    public static TransitEvent Disc(string container, TransportMode mode, string conveyance, string location, string at) =>
        Make(EventCode.DISC, at, location, mode, conveyance, container);

    public static TransitEvent Equipment(EventCode code, string container, string location, string at) =>
        Make(code, at, location, container: container);

    public static TransitEvent Customs(EventCode code, string container, string location, string at) =>
        Make(code, at, location, container: container, declaration: Data.DeclarationNumber);

    public static TransitEvent Received(this TransitEvent e, Instant receivedAt) => e with { ReceivedAt = receivedAt };
}

/// <summary>Bookings: the one-port barge + vessel shipment of api.md, and the Dalang → Moscow train.</summary>
public static class Bookings
{
    public static readonly ExportDeclaration Declaration = new(Data.DeclarationNumber, Data.ExporterTaxId, false);

    public static PlannedLeg BargeLeg(string from = Data.Shunde, string to = Data.Nansha, string departure = "2020-11-30T09:00:00+08:00",
        string arrival = "2020-11-30T17:00:00+08:00", TransportMode mode = TransportMode.BARGE) =>
        new(mode, Data.Barge, Data.L(from), Data.L(to), Data.T(departure), Data.T(arrival));

    public static PlannedLeg VesselLeg() =>
        new(TransportMode.VESSEL, Data.Vessel, Data.L(Data.Nansha), Data.L(Data.Rotterdam),
            Data.T("2020-12-02T22:00:00+08:00"), Data.T("2021-01-08T06:00:00+01:00"));

    public static PlannedLeg RailLeg() =>
        new(TransportMode.RAIL, Data.Train, Data.L(Data.Dalang), Data.L(Data.Moscow),
            Data.T("2021-01-15T10:00:00+08:00"), Data.T("2021-01-30T12:00:00+03:00"));

    public static ShipmentBooking OnePort(params string[] containers) => OnePort(Declaration, containers);

    public static ShipmentBooking OnePort(ExportDeclaration? declaration, params string[] containers) =>
        Make("GZ21-000123", declaration, [BargeLeg(), VesselLeg()], containers);

    public static ShipmentBooking Rail(params string[] containers) =>
        Make("GZ21-RAIL-0001", null, [RailLeg()], containers);

    public static ShipmentBooking Make(string shipmentId, ExportDeclaration? declaration, IReadOnlyList<PlannedLeg> legs, params string[] containers) =>
        new(shipmentId, "FWD-DEMO", TradeMode.GENERAL,
            (containers.Length == 0 ? [Data.Csqu] : containers).Select(Data.C).ToList(), declaration, legs);
}

/// <summary>The steps of the one-port journey, in the order they happen.</summary>
public enum Step
{
    Release,
    LoadBarge,
    BargeDeparts,
    BargeArrives,
    DischargeAtNansha,
    LoadVessel,
    VesselDeparts,
    VesselArrives,
    DischargeAtRotterdam,
}

/// <summary>
/// Shunde → Nansha by barge SUIGANG903-2011A, then Nansha → Rotterdam on COSCOPRIDE-047W, as the first
/// departure-port refund of 30 Nov 2020. Times can be shifted for deadline tests: release (08:40) and loading (08:55)
/// keep their distance to the barge's departure (09:12).
/// </summary>
public sealed class OnePortJourney(
    IReadOnlyList<string> containers,
    string bargeDeparture = "2020-11-30T09:12:00+08:00",
    string vesselDeparture = "2020-12-02T22:30:00+08:00")
{
    /// <summary>The journey of the given containers (CSQU3054383 when none are given) at the times of api.md.</summary>
    public static OnePortJourney Of(params string[] containers) => new(containers.Length == 0 ? [Data.Csqu] : containers);

    public IReadOnlyList<string> Containers { get; } = containers;

    public IReadOnlyList<TransitEvent> Events(Step step) => step switch
    {
        Step.Release => Each(c => Ev.Customs(EventCode.CUSR, c, Data.Shunde, Plus(bargeDeparture, -Duration.FromMinutes(32)))),
        Step.LoadBarge => Each(c => Ev.Load(c, TransportMode.BARGE, Data.Barge, Data.Shunde, Plus(bargeDeparture, -Duration.FromMinutes(17)))),
        Step.BargeDeparts => [Ev.Depa(TransportMode.BARGE, Data.Barge, Data.Shunde, bargeDeparture)],
        Step.BargeArrives => [Ev.Arri(TransportMode.BARGE, Data.Barge, Data.Nansha, Plus(bargeDeparture, Duration.FromHours(8)))],
        Step.DischargeAtNansha => Each(c => Ev.Disc(c, TransportMode.BARGE, Data.Barge, Data.Nansha, Plus(bargeDeparture, Duration.FromHours(10)))),
        Step.LoadVessel => Each(c => Ev.Load(c, TransportMode.VESSEL, Data.Vessel, Data.Nansha, Plus(vesselDeparture, -Duration.FromHours(6)))),
        Step.VesselDeparts => [Ev.Depa(TransportMode.VESSEL, Data.Vessel, Data.Nansha, vesselDeparture)],
        Step.VesselArrives => [Ev.Arri(TransportMode.VESSEL, Data.Vessel, Data.Rotterdam, "2021-01-08T09:00:00+01:00")],
        Step.DischargeAtRotterdam => Each(c => Ev.Disc(c, TransportMode.VESSEL, Data.Vessel, Data.Rotterdam, "2021-01-08T14:00:00+01:00")),
        _ => throw new ArgumentOutOfRangeException(nameof(step)),
    };

    /// <summary>Every event of the steps up to and including <paramref name="last"/>.</summary>
    public IReadOnlyList<TransitEvent> Through(Step last) =>
        Enum.GetValues<Step>().Where(s => s <= last).SelectMany(Events).ToList();

    public IReadOnlyList<TransitEvent> All => Through(Step.DischargeAtRotterdam);

    private List<TransitEvent> Each(Func<string, TransitEvent> make) => Containers.Select(make).ToList();

    private static string Plus(string at, Duration by) => Data.Format(Data.T(at).Plus(by));
}

/// <summary>The tax-refund policy book: CaiShui [2020] No. 48 as data.</summary>
public static class Policies
{
    public static readonly RefundPolicy Waterway2020 = new(
        "CaiShui-2020-48",
        new LocalDate(2020, 10, 1),
        null,
        new HashSet<TransportMode> { TransportMode.BARGE },
        new HashSet<UnLocode> { Data.L("CNSUD"), Data.L("CNFOS"), Data.L("CNZQG"), Data.L("CNDGG") },
        new HashSet<UnLocode> { Data.L(Data.Nansha) },
        60);

    public static readonly RefundPolicyBook Book = new([Waterway2020]);
}

/// <summary>Building records and looking at what the projection makes of them.</summary>
public static class Shipment
{
    public static readonly Instant BookedAt = Data.I("2020-11-29T10:00:00+08:00");

    public static ShipmentRecord Record(
        ShipmentBooking booking,
        IEnumerable<TransitEvent> events,
        IEnumerable<TaxRefundTrigger>? issued = null,
        Instant? cancelledAt = null) =>
        new(booking, BookedAt, cancelledAt, events.ToList(),
            (issued ?? []).Select(t => OutboxEntry.Pending(t).Delivered(t.IssuedAt + Duration.FromSeconds(1))).ToList(), []);

    public static ShipmentEvaluation Evaluate(ShipmentRecord record, Instant now) =>
        ShipmentProjection.Evaluate(record, Policies.Book, now);

    public static ShipmentView View(ShipmentRecord record, Instant now) =>
        ShipmentProjection.View(record, Evaluate(record, now), includeTimeline: true);

    public static ShipmentView View(ShipmentBooking booking, IEnumerable<TransitEvent> events, Instant now) =>
        View(Record(booking, events), now);

    public static RefundAssessment Refund(
        ShipmentBooking booking, IEnumerable<TransitEvent> events, Instant now,
        IEnumerable<TaxRefundTrigger>? issued = null, Instant? cancelledAt = null) =>
        Evaluate(Record(booking, events, issued, cancelledAt), now).Refund;

    public static ContainerView Container(this ShipmentView view, string number) =>
        view.Containers.Single(c => c.ContainerNumber == number);

    /// <summary>
    /// The fields of the view that reach the JSON contract, as text: status, containers, legs, currentLeg, eta,
    /// customs, tax refund, and the timeline in order. Two views with the same text look the same to every client.
    /// </summary>
    public static string Text(ShipmentView v, bool withTimeline = true)
    {
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"status={v.Status} currentLeg={v.CurrentLeg} eta={Data.Format(v.Eta)}\n");
        foreach (var c in v.Containers)
        {
            s.Append(CultureInfo.InvariantCulture, $"container {c.ContainerNumber} {c.Status} at={c.Location} on={c.ModeOfTransport}/{c.ConveyanceId}\n");
        }

        foreach (var l in v.Legs)
        {
            s.Append(CultureInfo.InvariantCulture,
                $"leg {l.Mode}/{l.ConveyanceId} {l.From}->{l.To} {l.Status} dep[{Data.Format(l.PlannedDeparture)} {Data.Format(l.EstimatedDeparture)} {Data.Format(l.ActualDeparture)}] arr[{Data.Format(l.PlannedArrival)} {Data.Format(l.EstimatedArrival)} {Data.Format(l.ActualArrival)}] via[{string.Join(",", l.TranshippedTo)}]\n");
        }

        s.Append(CultureInfo.InvariantCulture, $"customs {v.Customs.Status} at={v.Customs.Location} released={Data.Format(v.Customs.ReleasedAt)}\n");
        var t = v.TaxRefund;
        s.Append(CultureInfo.InvariantCulture, $"taxRefund {t.Status} {t.DeparturePort}->{t.ExitPort} deadline={Data.Format(t.Deadline)} triggers=[{string.Join(",", t.Triggers.Select(x => x.MessageId))}]\n");
        if (withTimeline && v.Timeline is { } timeline)
        {
            foreach (var e in timeline)
            {
                s.Append(CultureInfo.InvariantCulture, $"timeline {e.EventId} {e.EventCode} {e.Classifier} {Data.Format(e.EventDateTime)} received={Data.Format(e.ReceivedAt)}\n");
            }
        }

        return s.ToString();
    }

    /// <summary>The triggers made due, as text (everything the tax system would receive).</summary>
    public static string Text(IEnumerable<TaxRefundTrigger> due) =>
        string.Join("\n", due.Select(t =>
            $"{t.MessageId} {t.Kind} {t.Reason} {t.ConveyanceId} {string.Join(",", t.Containers)} released={Data.Format(t.ReleasedAt)} departed={Data.Format(t.DepartedAt)} exited={Data.Format(t.ExitedAt)} deadline={Data.Format(t.Deadline)} issued={Data.Format(t.IssuedAt)}"));
}

/// <summary>A conveyance's moves as the conveyance records them: one report after another.</summary>
public static class RecordedMoves
{
    public static ConveyanceMoves Of(IEnumerable<TransitEvent> moves)
    {
        var recorded = new ConveyanceMoves();
        foreach (var move in moves)
        {
            recorded.Record(move);
        }

        return recorded;
    }
}
