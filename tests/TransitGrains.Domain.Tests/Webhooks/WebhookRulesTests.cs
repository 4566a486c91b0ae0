using System.Net;
using System.Text;
using CsCheck;
using NodaTime;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Domain.Tests.Webhooks;

public class WebhookRulesTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 26, 1, 12);

    [Fact]
    public void Signatures_match_the_reference_vector_of_Standard_Webhooks()
    {
        Assert.True(WebhookSecret.TryParse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", out var key));
        Assert.Equal(24, key.Length);
        Assert.Equal(
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            WebhookSignature.Header([key], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, Encoding.UTF8.GetBytes("{\"test\": 2432232314}")));
    }

    [Fact]
    public void While_a_rotated_secret_still_signs_each_key_signs_separated_by_a_space()
    {
        byte[] current = [.. Enumerable.Range(0, 32).Select(i => (byte)i)], previous = [.. Enumerable.Range(100, 24).Select(i => (byte)i)];
        var body = "{}"u8.ToArray();
        var both = WebhookSignature.Header([current, previous], "msg_1", 1, body).Split(' ');
        Assert.Equal([WebhookSignature.Header([current], "msg_1", 1, body), WebhookSignature.Header([previous], "msg_1", 1, body)], both);

        var replaced = new SigningKey(previous, Now + SigningKey.RotationOverlap);
        Assert.True(replaced.SignsAt(Now + Duration.FromHours(23)));
        Assert.False(replaced.SignsAt(Now + Duration.FromHours(24)));
        Assert.True(new SigningKey(current, null).SignsAt(Now + Duration.FromDays(3650)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")] // no prefix
    [InlineData("whsec_not base64!")]
    [InlineData("whsec_MDEyMzQ1Njc4OTAxMjM0NTY3OA==")] // 23 bytes
    public void A_secret_is_whsec_and_the_Base64_of_24_to_64_bytes(string? text)
    {
        Assert.False(WebhookSecret.TryParse(text, out _));
        var longest = new byte[64];
        Assert.True(WebhookSecret.TryParse(WebhookSecret.Format(longest), out var key));
        Assert.Equal(64, key.Length);
        Assert.False(WebhookSecret.TryParse(WebhookSecret.Format(new byte[65]), out _));
    }

    [Fact]
    public void Retries_follow_the_schedule_with_at_most_ten_percent_jitter_then_give_up() =>
        Gen.Select(Gen.Int[1, WebhookRetrySchedule.Default.Count], Gen.Double[0, 0.999999]).Sample((attempt, random) =>
        {
            var schedule = new WebhookRetrySchedule(WebhookRetrySchedule.Default);
            var wait = schedule.NextAttempt(attempt, Now, 500, null, random)!.Value - Now;
            var planned = WebhookRetrySchedule.Default[attempt - 1];
            Assert.InRange(wait.TotalSeconds, planned.TotalSeconds * 0.9, planned.TotalSeconds * 1.1);
            Assert.Null(schedule.NextAttempt(WebhookRetrySchedule.Default.Count + 1, Now, 500, null, random));
        });

    [Fact]
    public void The_default_schedule_is_api_mds()
    {
        Assert.Equal(
            [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400],
            WebhookRetrySchedule.Default.Select(d => (int)d.TotalSeconds));
        Assert.Equal(WebhookRetrySchedule.Default, new WebhookOptions().ToSchedule().Delays);
        Assert.Equal([Duration.FromSeconds(1), Duration.FromSeconds(2)],
            new WebhookOptions { RetryDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)] }.ToSchedule().Delays);
        Assert.Throws<InvalidOperationException>(() => new WebhookOptions { RetryDelays = [TimeSpan.Zero] }.ToSchedule());
    }

    [Theory]
    [InlineData(429, 600, 600)]
    [InlineData(503, 600, 600)]
    [InlineData(503, 1, 5)] // sooner than the schedule: the schedule
    [InlineData(500, 600, 5)] // only 429 and 503 are asked about it
    [InlineData(429, 99_999, 86_400)] // no later than the longest delay
    public void Retry_After_on_429_and_503_puts_the_next_attempt_no_sooner_than_asked(int status, int retryAfter, int seconds)
    {
        var schedule = new WebhookRetrySchedule(WebhookRetrySchedule.Default);
        Assert.Equal(Now + Duration.FromSeconds(seconds), schedule.NextAttempt(1, Now, status, Duration.FromSeconds(retryAfter), 0.5));
    }

    [Theory]
    [InlineData(200, WebhookAnswer.Delivered)]
    [InlineData(204, WebhookAnswer.Delivered)]
    [InlineData(299, WebhookAnswer.Delivered)]
    [InlineData(301, WebhookAnswer.Failed)]
    [InlineData(404, WebhookAnswer.Failed)]
    [InlineData(410, WebhookAnswer.Gone)]
    [InlineData(500, WebhookAnswer.Failed)]
    [InlineData(null, WebhookAnswer.Failed)]
    public void A_2xx_delivers_410_is_gone_and_anything_else_fails(int? status, WebhookAnswer answer) =>
        Assert.Equal(answer, WebhookRetrySchedule.Classify(status));

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.0.9", "loopback")]
    [InlineData("10.0.0.1", "private")]
    [InlineData("10.255.255.255", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.254", "private")]
    [InlineData("192.168.1.20", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("224.0.0.251", "multicast")]
    [InlineData("239.255.255.250", "multicast")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::1", "loopback")]
    [InlineData("::", "unspecified")]
    [InlineData("fc00::1", "private")]
    [InlineData("fd12:3456:789a::1", "private")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("::ffff:10.1.2.3", "private")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    public void Loopback_private_link_local_and_multicast_addresses_are_refused(string address, string kind) =>
        Assert.Contains(kind, CallbackAddresses.Refusal(IPAddress.Parse(address)), StringComparison.Ordinal);

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("11.0.0.1")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("::ffff:8.8.4.4")]
    public void Public_addresses_are_allowed(string address) => Assert.Null(CallbackAddresses.Refusal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("https://hooks.example.com/transit", false, null)]
    [InlineData("http://hooks.example.com/transit", true, null)]
    [InlineData("http://hooks.example.com/transit", false, "must be https")]
    [InlineData("ftp://hooks.example.com/transit", true, "must be https or http")]
    [InlineData("/transit", false, "absolute URL")]
    [InlineData("", false, "absolute URL")]
    [InlineData("https://user:pass@hooks.example.com/", false, "credentials")]
    public void A_callback_is_an_absolute_https_url_without_credentials(string text, bool allowHttp, string? problem)
    {
        var found = CallbackAddresses.UrlProblem(text, allowHttp, out var url);
        if (problem is null)
        {
            Assert.Null(found);
            Assert.Equal(text, url!.OriginalString);
        }
        else
        {
            Assert.Contains(problem, found, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_subscription_request_names_each_bad_field_and_types_default_to_all_four()
    {
        var bad = SubscriptionValidator.Validate(
            new SubscriptionRequest("http://x.example", ["shipment.events"], ["gz-1"], ["CSQU3054384"], ["depa"], "whsec_x"), allowHttp: false);
        Assert.Equal(
            ["callbackUrl", "containers[0]", "eventCodes[0]", "secret", "shipmentIds[0]", "types[0]"],
            bad.Errors.ToDictionary().Keys.Order(StringComparer.Ordinal));

        var good = SubscriptionValidator.Validate(
            new SubscriptionRequest("https://x.example/h", null, ["GZ-1", "GZ-1"], [], ["DEPA", "ARRI"], null), allowHttp: false);
        Assert.True(good.IsValid);
        Assert.Equal(NotificationTypes.All, good.Value!.Types);
        Assert.Equal(["GZ-1"], good.Value.ShipmentIds);
        Assert.Equal([EventCode.DEPA, EventCode.ARRI], good.Value.EventCodes);
        Assert.Null(good.Value.Secret);
    }
}
