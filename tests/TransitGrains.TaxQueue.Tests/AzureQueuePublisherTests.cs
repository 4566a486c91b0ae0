using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using NodaTime;
using TransitGrains.Abstractions;

namespace TransitGrains.TaxQueue.Tests;

public class AzureQueuePublisherTests
{
    [Fact]
    public async Task Publish_creates_the_missing_queue_and_sends_Base64_of_the_UTF8_JSON()
    {
        var name = TestQueue.NewQueueName();
        var raw = TestQueue.Client(name, QueueMessageEncoding.None);
        Assert.False((await raw.ExistsAsync()).Value);
        var message = SampleTriggers.Eligible();

        await TestQueue.Publisher(name).PublishAsync(message, CancellationToken.None);

        var received = Assert.Single((await raw.ReceiveMessagesAsync(maxMessages: 10)).Value);
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(received.MessageText));
        Assert.Equal(TaxRefundTriggerJson.Serialize(message), json);
        Assert.Contains("\"departedAt\":\"2020-11-30T09:12:00+08:00\"", json, StringComparison.Ordinal);
        Assert.Contains("\"exitedAt\":null", json, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        Assert.Equal("GZ21-000123:REFUND_ELIGIBLE", document.RootElement.GetProperty("messageId").GetString());
        Assert.Equal("2020-11-30T09:12:00+08:00", document.RootElement.GetProperty("departedAt").GetString());
    }

    [Fact]
    public async Task A_trigger_read_back_through_the_queue_has_every_field()
    {
        var name = TestQueue.NewQueueName();
        var publisher = TestQueue.Publisher(name);
        var sent = new[] { SampleTriggers.Eligible(), SampleTriggers.Revoked("GZ21-000124", RefundRevocationReasons.NotExported) };
        foreach (var message in sent)
        {
            await publisher.PublishAsync(message, CancellationToken.None);
        }

        var received = (await TestQueue.Client(name, QueueMessageEncoding.Base64).ReceiveMessagesAsync(maxMessages: 10)).Value
            .Select(m => TaxRefundTriggerJson.Deserialize(m.Body.ToString()))
            .OrderBy(m => m.ShipmentId, StringComparer.Ordinal);

        Assert.Equal(sent, received);
    }

    [Fact]
    public async Task Concurrent_first_publishes_create_the_queue_once_and_all_arrive()
    {
        var name = TestQueue.NewQueueName();
        var publisher = TestQueue.Publisher(name);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            publisher.PublishAsync(SampleTriggers.Eligible($"GZ21-{i:D6}"), CancellationToken.None)));

        Assert.Equal(20, await TestQueue.CountAsync(TestQueue.Client(name, QueueMessageEncoding.Base64)));
    }

    [Fact]
    public async Task Publish_to_a_queue_that_does_not_answer_fails_after_one_retry_each_attempt_cut_off_by_the_network_timeout()
    {
        using var silent = new SilentQueueEndpoint();
        var settings = TestQueue.Settings(TestQueue.NewQueueName(), silent.ConnectionString);
        settings.NetworkTimeout = Duration.FromSeconds(1);
        var publisher = TestQueue.Publisher(settings);

        // Without the network timeout an attempt would wait 100 s (the SDK's default), far past the ceiling.
        var failure = await Assert.ThrowsAsync<AggregateException>(
            () => publisher.PublishAsync(SampleTriggers.Eligible(), CancellationToken.None).WaitAsync(TestQueue.Ceiling));

        // One attempt and one retry (the SDK's default is three retries): the outbox has its own backoff.
        Assert.Equal(2, failure.InnerExceptions.Count);
        Assert.All(failure.InnerExceptions, e => Assert.IsType<TaskCanceledException>(e));
        Assert.Equal(2, silent.ConnectionsAtLeast(2));
    }

    [Fact]
    public async Task Health_check_is_healthy_when_Azurite_answers_even_before_the_queue_exists()
    {
        var settings = TestQueue.Settings(TestQueue.NewQueueName());
        var check = new TaxQueueHealthCheck(TestQueue.Publisher(settings.QueueName), Options.Create(settings));

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task Health_check_is_unhealthy_when_the_queue_does_not_answer_within_the_checks_timeout()
    {
        using var silent = new SilentQueueEndpoint();
        var settings = TestQueue.Settings(TestQueue.NewQueueName(), silent.ConnectionString);
        // The check's own timeout must cut the wait short: a request alone would wait ten minutes.
        settings.NetworkTimeout = Duration.FromMinutes(10);
        settings.HealthCheckTimeout = Duration.FromSeconds(1);
        var publisher = TestQueue.Publisher(settings);
        var check = new TaxQueueHealthCheck(publisher, Options.Create(settings));

        var result = await check.CheckHealthAsync(new HealthCheckContext()).WaitAsync(TestQueue.Ceiling);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains(settings.QueueName, result.Description, StringComparison.Ordinal);
        Assert.Equal(1, silent.ConnectionsAtLeast(1));
    }

    [Fact]
    public async Task After_an_outage_the_same_publisher_recreates_the_queue_and_delivers_again()
    {
        await using var azurite = await ScriptedAzurite.StartAsync();
        var name = TestQueue.NewQueueName();
        var publisher = TestQueue.Publisher(name, azurite.ConnectionString);
        await publisher.PublishAsync(SampleTriggers.Eligible(), CancellationToken.None);

        await azurite.StopAsync();
        var refused = await Assert.ThrowsAsync<AggregateException>(() => publisher.PublishAsync(SampleTriggers.ExitConfirmed(), CancellationToken.None));
        Assert.All(refused.InnerExceptions, e => Assert.Equal(0, Assert.IsType<RequestFailedException>(e).Status)); // no answer at all
        Assert.False(await publisher.IsAvailableAsync(CancellationToken.None));

        // Same port, empty memory: the queue created before the outage is gone.
        await azurite.RestartAsync();
        Assert.True(await publisher.IsAvailableAsync(CancellationToken.None));
        await publisher.PublishAsync(SampleTriggers.ExitConfirmed(), CancellationToken.None);

        var received = Assert.Single((await TestQueue.Client(name, QueueMessageEncoding.Base64, azurite.ConnectionString).ReceiveMessagesAsync(10)).Value);
        Assert.Equal(SampleTriggers.ExitConfirmed(), TaxRefundTriggerJson.Deserialize(received.Body.ToString()));
    }

    [Fact]
    public async Task A_queue_deleted_behind_the_publishers_back_is_recreated_on_the_next_publish()
    {
        var name = TestQueue.NewQueueName();
        var publisher = TestQueue.Publisher(name);
        await publisher.PublishAsync(SampleTriggers.Eligible(), CancellationToken.None);
        await TestQueue.Client(name, QueueMessageEncoding.None).DeleteAsync();

        await publisher.PublishAsync(SampleTriggers.ExitConfirmed(), CancellationToken.None);

        Assert.Equal(1, await TestQueue.CountAsync(TestQueue.Client(name, QueueMessageEncoding.None)));
    }
}
