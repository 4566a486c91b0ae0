using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using NodaTime;

namespace TransitGrains.Integration.Tests;

/// <summary>
/// One silo on a fresh PostgreSQL database, publishing to its own queue on the Azurite of the run, with the shipped
/// refund notices plus one newer test notice that gives barges from <see cref="ShortDeadlinePort"/> a single day.
/// </summary>
public sealed class RefundSiloFixture : IAsyncLifetime
{
    public const string ShortDeadlinePort = "CNJMN";

    public SiloProcess Silo { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public TaxQueueMailbox Mailbox { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var queue = $"tax-it-{Guid.NewGuid():N}";
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Transit"] = await TestServices.CreateDatabaseAsync(),
            ["ConnectionStrings:TaxQueue"] = TestServices.Queue,
            ["Transit:TaxRefund:QueueName"] = queue,
            ["Transit:TaxRefund:Policies:2:name"] = "Test notice: one day to leave from Nansha",
            ["Transit:TaxRefund:Policies:2:effectiveFrom"] = "2025-01-01",
            ["Transit:TaxRefund:Policies:2:modes:0"] = "BARGE",
            ["Transit:TaxRefund:Policies:2:departurePorts:0"] = ShortDeadlinePort,
            ["Transit:TaxRefund:Policies:2:exitPorts:0"] = RefundJourney.ExitPort,
            ["Transit:TaxRefund:Policies:2:exitDeadlineDays"] = "1",
            // No grace for a late exit report, so that a deadline passed is seen within the test.
            ["Transit:TaxRefund:ExitReportGrace"] = "00:00:00",
        };
        Silo = await SiloProcess.StartAsync(settings);
        Client = Silo.Client();
        Mailbox = new TaxQueueMailbox(TestServices.Queue, queue);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Silo.DisposeAsync();
    }
}

/// <summary>
/// The departure-port refund end to end: HTTP in, Orleans and PostgreSQL in the middle, the tax system's Azure
/// queue (real Azurite) out, checked against the message contract of api.md.
/// </summary>
public sealed class TaxRefundQueueTests(RefundSiloFixture fixture) : IClassFixture<RefundSiloFixture>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static readonly string[] ContractProperties =
    [
        "messageId", "kind", "shipmentId", "declarationNumber", "exporterTaxId", "containers", "departurePort", "exitPort",
        "conveyanceId", "releasedAt", "departedAt", "exitedAt", "deadline", "reason", "issuedAt",
    ];

    /// <summary>The barges leave two days ago (China time): under the shipped notices the deadline is 60 days later.</summary>
    private static readonly LocalDate Day = RefundJourney.ChinaToday(SystemClock.Instance.GetCurrentInstant()).PlusDays(-2);

    private HttpClient Client => fixture.Client;

    private TaxQueueMailbox Mailbox => fixture.Mailbox;

    [Fact]
    public async Task Release_and_barge_departure_send_REFUND_ELIGIBLE_then_the_vessel_leaving_Nansha_sends_EXIT_CONFIRMED()
    {
        var journey = RefundJourney.Departing(Day, containers: 2);
        await Client.BookAsync(journey.Booking());
        Assert.Equal("PENDING", (string?)(await Client.RefundOfAsync(journey.ShipmentId))["status"]);

        var sentAt = DateTimeOffset.UtcNow;
        await Client.ReportAsync(journey.ReleaseLoadAndDepart());
        var eligible = await Mailbox.WaitForAsync(journey.MessageId("REFUND_ELIGIBLE"), Limit);
        AssertMessage(eligible, sentAt, new JsonObject
        {
            ["messageId"] = journey.MessageId("REFUND_ELIGIBLE"),
            ["kind"] = "REFUND_ELIGIBLE",
            ["shipmentId"] = journey.ShipmentId,
            ["declarationNumber"] = journey.DeclarationNumber,
            ["exporterTaxId"] = RefundJourney.ExporterTaxId,
            ["containers"] = new JsonArray([.. journey.Containers.Select(c => JsonValue.Create(c))]),
            ["departurePort"] = "CNSUD",
            ["exitPort"] = "CNNSA",
            ["conveyanceId"] = journey.Barge,
            ["releasedAt"] = journey.ReleasedAt,
            ["departedAt"] = journey.BargeDepartedAt,
            ["exitedAt"] = null,
            ["deadline"] = journey.Deadline(60),
            ["reason"] = null,
        });

        var triggered = await Client.RefundOfAsync(journey.ShipmentId, r => r.AllDelivered(), Limit);
        Assert.Equal("TRIGGERED", (string?)triggered["status"]);
        Assert.Equal(("CNSUD", "CNNSA", journey.Deadline(60)), ((string?)triggered["departurePort"], (string?)triggered["exitPort"], (string?)triggered["deadline"]));
        Assert.Equal([journey.MessageId("REFUND_ELIGIBLE")], triggered.Triggers().Select(t => (string?)t["messageId"]));

        sentAt = DateTimeOffset.UtcNow;
        await Client.ReportAsync([.. journey.ArriveAtExitPort(), .. journey.LeaveOnTheVessel()]);
        var exit = await Mailbox.WaitForAsync(journey.MessageId("EXIT_CONFIRMED"), Limit);
        AssertMessage(exit, sentAt, new JsonObject
        {
            ["messageId"] = journey.MessageId("EXIT_CONFIRMED"),
            ["kind"] = "EXIT_CONFIRMED",
            ["shipmentId"] = journey.ShipmentId,
            ["declarationNumber"] = journey.DeclarationNumber,
            ["exporterTaxId"] = RefundJourney.ExporterTaxId,
            ["containers"] = new JsonArray([.. journey.Containers.Select(c => JsonValue.Create(c))]),
            ["departurePort"] = "CNSUD",
            ["exitPort"] = "CNNSA",
            ["conveyanceId"] = journey.Vessel,
            ["releasedAt"] = journey.ReleasedAt,
            ["departedAt"] = journey.BargeDepartedAt,
            ["exitedAt"] = journey.VesselDepartedAt,
            ["deadline"] = journey.Deadline(60),
            ["reason"] = null,
        });

        var confirmed = await Client.RefundOfAsync(journey.ShipmentId, r => r.AllDelivered() && r.Triggers().Count == 2, Limit);
        Assert.Equal("EXIT_CONFIRMED", (string?)confirmed["status"]);
        Assert.Equal(["REFUND_ELIGIBLE", "EXIT_CONFIRMED"], confirmed.Triggers().Select(t => (string?)t["kind"]));
        await Mailbox.ReadAsync();
        Assert.Equal(2, Mailbox.For(journey.ShipmentId).Select(t => t.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task A_shipment_failing_any_condition_gets_no_trigger()
    {
        var noDeclaration = RefundJourney.Departing(Day);
        var dangerous = RefundJourney.Departing(Day);
        var notCovered = RefundJourney.Departing(Day, from: "CNSHK"); // Shekou: no departure port of the notices
        var notReleased = RefundJourney.Departing(Day);
        var notDeparted = RefundJourney.Departing(Day);
        var cases = new (string Condition, RefundJourney Journey, object Booking, IEnumerable<PortEvent> Events, string Status)[]
        {
            ("no export declaration", noDeclaration, noDeclaration.Booking(declared: false), noDeclaration.ReleaseLoadAndDepart(), "NOT_APPLICABLE"),
            ("dangerous goods", dangerous, dangerous.Booking(dangerousGoods: true), dangerous.ReleaseLoadAndDepart(), "NOT_APPLICABLE"),
            ("route not covered", notCovered, notCovered.Booking(), notCovered.ReleaseLoadAndDepart(), "NOT_APPLICABLE"),
            ("no CUSR", notReleased, notReleased.Booking(), [.. notReleased.LoadOnBarge(), notReleased.BargeDeparture()], "PENDING"),
            ("no DEPA", notDeparted, notDeparted.Booking(), [.. notDeparted.Release(), .. notDeparted.LoadOnBarge()], "PENDING"),
        };

        foreach (var (condition, journey, booking, events, status) in cases)
        {
            await Client.BookAsync(booking);
            await Client.ReportAsync(events);
            var refund = await Client.RefundOfAsync(journey.ShipmentId);
            Assert.True((string?)refund["status"] == status, $"{condition}: {refund.ToJsonString()}");
            // The outbox is the only way to the queue: with no trigger in it, nothing can ever be sent.
            Assert.True(refund.Triggers().Count == 0, $"{condition}: {refund.ToJsonString()}");
        }

        // A qualifying shipment sent last arrives, and still nothing came for the others.
        var control = await EligibleAsync(RefundJourney.Departing(Day));
        await Mailbox.ReadAsync();
        Assert.All(cases, c => Assert.True(Mailbox.For(c.Journey.ShipmentId).Count == 0, $"{c.Condition}: a message was sent"));
        Assert.Single(Mailbox.For(control.ShipmentId));
    }

    [Fact]
    public async Task Cancelling_a_triggered_shipment_sends_REFUND_REVOKED_with_reason_CANCELLED()
    {
        var journey = await EligibleAsync(RefundJourney.Departing(Day));
        using var cancelled = await Client.DeleteAsync($"/api/v1/shipments/{journey.ShipmentId}");
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        await AssertRevokedAsync(journey, "CANCELLED", deadlineDays: 60);
    }

    [Fact]
    public async Task A_revoked_declaration_CUSX_sends_REFUND_REVOKED_with_reason_DECLARATION_REVOKED()
    {
        var journey = await EligibleAsync(RefundJourney.Departing(Day));
        await Client.ReportAsync(journey.DeclarationRevoked());
        await AssertRevokedAsync(journey, "DECLARATION_REVOKED", deadlineDays: 60);
    }

    [Fact]
    public async Task Containers_gated_out_at_the_exit_port_send_REFUND_REVOKED_with_reason_NOT_EXPORTED()
    {
        var journey = await EligibleAsync(RefundJourney.Departing(Day));
        await Client.ReportAsync([.. journey.ArriveAtExitPort(), journey.GateOutAtExitPort()]);
        await AssertRevokedAsync(journey, "NOT_EXPORTED", deadlineDays: 60);
    }

    [Fact]
    public async Task A_barge_departure_reported_after_its_exit_deadline_sends_REFUND_ELIGIBLE_then_without_a_grace_DEADLINE_PASSED()
    {
        // Two days ago under a one-day notice: the deadline was the end of yesterday, China time. With no grace the
        // refund is revoked as soon as REFUND_ELIGIBLE has been issued (the reminder is due a second later).
        var journey = RefundJourney.Departing(Day, from: RefundSiloFixture.ShortDeadlinePort);
        await Client.BookAsync(journey.Booking());
        await Client.ReportAsync(journey.ReleaseLoadAndDepart());

        var eligible = await Mailbox.WaitForAsync(journey.MessageId("REFUND_ELIGIBLE"), Limit);
        Assert.Equal(journey.Deadline(1), eligible["deadline"]);
        await AssertRevokedAsync(journey, "DEADLINE_PASSED", deadlineDays: 1);
    }

    /// <summary>Books the journey, releases, loads and departs its barge, and waits for REFUND_ELIGIBLE on the queue.</summary>
    private async Task<RefundJourney> EligibleAsync(RefundJourney journey)
    {
        await Client.BookAsync(journey.Booking());
        await Client.ReportAsync(journey.ReleaseLoadAndDepart());
        await Mailbox.WaitForAsync(journey.MessageId("REFUND_ELIGIBLE"), Limit);
        return journey;
    }

    private async Task AssertRevokedAsync(RefundJourney journey, string reason, int deadlineDays)
    {
        var revoked = await Mailbox.WaitForAsync(journey.MessageId("REFUND_REVOKED"), Limit);
        Assert.Equal(
            ("REFUND_REVOKED", reason, journey.Barge, journey.BargeDepartedAt, journey.Deadline(deadlineDays)),
            (revoked["kind"], revoked["reason"], revoked["conveyanceId"], revoked["departedAt"], revoked["deadline"]));
        Assert.Null(revoked.Json["exitedAt"]);
        Assert.Equal(ContractProperties, revoked.Json.Select(p => p.Key));

        var refund = await Client.RefundOfAsync(journey.ShipmentId, r => r.AllDelivered() && r.Triggers().Count == 2, Limit);
        Assert.Equal("REVOKED", (string?)refund["status"]);
        Assert.Equal(["REFUND_ELIGIBLE", "REFUND_REVOKED"], refund.Triggers().Select(t => (string?)t["kind"]));
        Assert.Equal(reason, (string?)refund.Triggers()[1]["reason"]);
        Assert.DoesNotContain(Mailbox.For(journey.ShipmentId), t => t["kind"] == "EXIT_CONFIRMED");
    }

    /// <summary>Every property of api.md, in its order, with these values; issuedAt is a time with an offset, of this send.</summary>
    private static void AssertMessage(ReceivedTrigger message, DateTimeOffset sentAt, JsonObject expected)
    {
        Assert.Equal(ContractProperties, message.Json.Select(p => p.Key));
        foreach (var (name, value) in expected)
        {
            Assert.True(JsonNode.DeepEquals(value, message.Json[name]), $"{name}: expected {value?.ToJsonString() ?? "null"} in {message.Text}");
        }

        var issuedAt = message["issuedAt"]!;
        Assert.Matches(@"(Z|[+-]\d\d:\d\d)$", issuedAt);
        var issued = DateTimeOffset.Parse(issuedAt, CultureInfo.InvariantCulture);
        Assert.InRange(issued, sentAt.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
    }
}
