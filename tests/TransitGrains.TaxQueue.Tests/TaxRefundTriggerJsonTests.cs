using System.Text.Json;
using NodaTime;
using TransitGrains.Abstractions;

namespace TransitGrains.TaxQueue.Tests;

public class TaxRefundTriggerJsonTests
{
    private static readonly string[] ContractPropertyNames =
    [
        "messageId", "kind", "shipmentId", "declarationNumber", "exporterTaxId", "containers", "departurePort",
        "exitPort", "conveyanceId", "releasedAt", "departedAt", "exitedAt", "deadline", "reason", "issuedAt",
    ];

    [Fact]
    public void Writes_the_contract_names_in_order_with_offsets_and_explicit_nulls()
    {
        var text = TaxRefundTriggerJson.Serialize(SampleTriggers.Eligible());
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;

        // Literally, not "\u002B08:00": partners may read the text without a JSON parser's unescaping.
        Assert.Contains("\"releasedAt\":\"2020-11-30T08:40:00+08:00\"", text, StringComparison.Ordinal);

        Assert.Equal(ContractPropertyNames, root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("GZ21-000123:REFUND_ELIGIBLE", root.GetProperty("messageId").GetString());
        Assert.Equal("REFUND_ELIGIBLE", root.GetProperty("kind").GetString());
        Assert.Equal(["CSQU3054383", "APZU4812090"], root.GetProperty("containers").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("2020-11-30T08:40:00+08:00", root.GetProperty("releasedAt").GetString());
        Assert.Equal("2020-11-30T09:12:00+08:00", root.GetProperty("departedAt").GetString());
        Assert.Equal("2021-01-29T23:59:59+08:00", root.GetProperty("deadline").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("exitedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("reason").ValueKind);
    }

    [Fact]
    public void Utc_times_are_written_with_Z()
    {
        var message = SampleTriggers.Eligible() with { IssuedAt = new LocalDateTime(2020, 11, 30, 1, 12).WithOffset(Offset.Zero) };

        using var json = JsonDocument.Parse(TaxRefundTriggerJson.Serialize(message));

        Assert.Equal("2020-11-30T01:12:00Z", json.RootElement.GetProperty("issuedAt").GetString());
    }

    public static TheoryData<TaxRefundTriggerMessage> EveryKind() => new()
    {
        SampleTriggers.Eligible(),
        SampleTriggers.ExitConfirmed(),
        SampleTriggers.Revoked("GZ21-000124", RefundRevocationReasons.DeadlinePassed),
        SampleTriggers.Revoked("GZ21-000125", RefundRevocationReasons.Cancelled) with { ReleasedAt = null, DepartedAt = null, Deadline = null },
    };

    [Theory]
    [MemberData(nameof(EveryKind))]
    public void Round_trips_every_field(TaxRefundTriggerMessage message)
    {
        var back = TaxRefundTriggerJson.Deserialize(TaxRefundTriggerJson.Serialize(message));

        Assert.Equal(message, back);
        Assert.Equal(message.Containers, back.Containers);
        Assert.Equal(message.IssuedAt.Offset, back.IssuedAt.Offset);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("""{ "messageId": "X:REFUND_ELIGIBLE", "kind": "REFUND_ELIGIBLE" }""")]
    [InlineData("""{ "messageId": "X", "kind": "K", "shipmentId": "X", "declarationNumber": "D", "exporterTaxId": "E", "containers": [], "departurePort": "CNSUD", "exitPort": "CNNSA", "conveyanceId": "C", "releasedAt": null, "departedAt": null, "exitedAt": null, "deadline": null, "reason": null, "issuedAt": "2020-11-30T09:12:00" }""")]
    public void Rejects_text_that_is_not_a_complete_trigger(string json)
    {
        // The last case lacks an offset: a time without one is ambiguous and refused.
        Assert.ThrowsAny<JsonException>(() => TaxRefundTriggerJson.Deserialize(json));
    }
}
