using System.Text;
using Azure.Storage.Queues;
using NodaTime;
using NodaTime.Testing;
using TransitGrains.Abstractions;
using TransitGrains.TaxConsumer;

namespace TransitGrains.TaxQueue.Tests;

public sealed class RefundLedgerConsumerTests : IDisposable
{
    // A run ends once it has settled the messages the test expects (MaxMessages), never on a real-time idle window.
    private static readonly ConsumerSettings Quick = new() { PollInterval = Duration.FromMilliseconds(200) };

    // A message that failed, or was left unsaved, comes back within a second: for the tests that wait for that.
    private static readonly Duration ComesBackSoon = Duration.FromSeconds(1);

    private readonly string _queueName = TestQueue.NewQueueName();
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("transit-ledger-");
    private readonly StringWriter _log = new();

    private string LedgerPath => Path.Combine(_directory.FullName, "ledger.json");

    public void Dispose()
    {
        _directory.Delete(recursive: true);
        _log.Dispose();
    }

    /// <summary>A consumer that stops after settling <paramref name="settles"/> messages (applied, skipped or poisoned).</summary>
    private RefundLedgerConsumer Consumer(int settles, ILedgerStore? store = null, Duration? visibility = null) =>
        Consumer(Quick with { MaxMessages = settles, VisibilityTimeout = visibility ?? Quick.VisibilityTimeout }, store);

    private RefundLedgerConsumer Consumer(ConsumerSettings settings, ILedgerStore? store = null, IClock? clock = null) =>
        new(TestQueue.ConnectionString, _queueName, store ?? new LedgerFile(LedgerPath), settings, clock ?? SystemClock.Instance, _log);

    /// <summary>Runs the consumer until it stops by itself; at the ceiling the test fails with what the run logged.</summary>
    private async Task RunAsync(RefundLedgerConsumer consumer)
    {
        using var ceiling = new CancellationTokenSource(TestQueue.Ceiling);
        await consumer.RunAsync(ceiling.Token);
        Assert.False(ceiling.IsCancellationRequested, $"the run did not stop by itself within {TestQueue.Ceiling}; it logged:\n{_log}");
    }

    private async Task PublishAsync(params TaxRefundTriggerMessage[] messages)
    {
        var publisher = TestQueue.Publisher(_queueName);
        foreach (var message in messages)
        {
            await publisher.PublishAsync(message, CancellationToken.None);
        }
    }

    private QueueClient Queue(string? suffix = null) => TestQueue.Client(_queueName + suffix, QueueMessageEncoding.None);

    [Fact]
    public async Task Applies_each_kind_to_the_ledger_and_prints_it()
    {
        await PublishAsync(
            SampleTriggers.Eligible("GZ21-000123"),
            SampleTriggers.ExitConfirmed("GZ21-000123"),
            SampleTriggers.Eligible("GZ21-000124"),
            SampleTriggers.Revoked("GZ21-000124", RefundRevocationReasons.DeadlinePassed));
        var consumer = Consumer(settles: 4);

        await RunAsync(consumer);

        var ledger = consumer.Ledger;
        Assert.Equal("CONFIRMED", ledger.Shipments["GZ21-000123"].Status);
        Assert.Equal("REVOKED", ledger.Shipments["GZ21-000124"].Status);
        Assert.Equal("DEADLINE_PASSED", ledger.Shipments["GZ21-000124"].RevocationReason);
        Assert.Equal((2, 1, 1), (ledger.Triggered, ledger.Confirmed, ledger.Revoked));
        Assert.Equal(0, await TestQueue.CountAsync(Queue()));

        using var report = new StringWriter();
        LedgerReport.Write(ledger, report);
        Assert.Contains("GZ21-000124  530120201000012345  91440600MA4WXXXX1X  REVOKED", report.ToString(), StringComparison.Ordinal);
        Assert.Contains("triggered: 2  confirmed: 1  revoked: 1  duplicates skipped: 0  poisoned: 0", report.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_duplicate_message_id_is_counted_once_and_deleted()
    {
        await PublishAsync(SampleTriggers.Eligible(), SampleTriggers.Eligible());
        var consumer = Consumer(settles: 2);

        await RunAsync(consumer);

        Assert.Equal(1, consumer.Ledger.Triggered);
        Assert.Equal(1, consumer.Ledger.DuplicatesSkipped);
        Assert.Equal(0, await TestQueue.CountAsync(Queue()));
    }

    [Fact]
    public async Task A_malformed_message_ends_in_the_poison_queue_after_five_failed_attempts()
    {
        var wireText = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{ "messageId": "truncated"""));
        await Queue().CreateIfNotExistsAsync();
        await Queue().SendMessageAsync(wireText);
        var consumer = Consumer(settles: 1, visibility: ComesBackSoon);

        await RunAsync(consumer);

        Assert.Equal(5, _log.ToString().Split('\n').Count(line => line.Contains("is not a refund trigger", StringComparison.Ordinal)));
        Assert.Equal(0, await TestQueue.CountAsync(Queue()));
        var poisoned = Assert.Single((await Queue("-poison").ReceiveMessagesAsync(10)).Value);
        Assert.Equal(wireText, poisoned.MessageText);
        Assert.Equal(1, consumer.Ledger.Poisoned);
        Assert.Empty(consumer.Ledger.Shipments);
    }

    [Fact]
    public async Task Text_that_is_not_Base64_is_poisoned_at_once_without_blocking_the_others()
    {
        await Queue().CreateIfNotExistsAsync();
        await Queue().SendMessageAsync("{ plain JSON, not Base64 }");
        await PublishAsync(SampleTriggers.Eligible());
        var consumer = Consumer(settles: 2);

        await RunAsync(consumer);

        Assert.Equal(1, consumer.Ledger.Triggered);
        Assert.Equal(1, consumer.Ledger.Poisoned);
        Assert.Equal("{ plain JSON, not Base64 }", Assert.Single((await Queue("-poison").ReceiveMessagesAsync(10)).Value).MessageText);
    }

    [Fact]
    public async Task A_message_is_deleted_only_after_the_ledger_holding_it_was_saved()
    {
        await PublishAsync(SampleTriggers.Eligible());
        var store = new ObservingStore(new LedgerFile(LedgerPath), () => TestQueue.CountAsync(Queue()));

        await RunAsync(Consumer(settles: 1, store));

        Assert.Equal([1], store.MessagesOnQueueWhenSaved);
        Assert.Equal(0, await TestQueue.CountAsync(Queue()));
    }

    [Fact]
    public async Task When_the_ledger_cannot_be_saved_the_message_stays_and_is_applied_once_later()
    {
        await PublishAsync(SampleTriggers.Eligible());

        await Assert.ThrowsAsync<IOException>(() => RunAsync(Consumer(settles: 1, new FailingStore(), ComesBackSoon)));
        Assert.Equal(1, await TestQueue.CountAsync(Queue()));

        var consumer = Consumer(settles: 1);
        await RunAsync(consumer);
        Assert.Equal(1, consumer.Ledger.Triggered);
        Assert.Equal(0, consumer.Ledger.DuplicatesSkipped);
        Assert.Equal(0, await TestQueue.CountAsync(Queue()));
    }

    [Fact]
    public async Task The_ledger_survives_a_restart_so_a_redelivered_trigger_is_a_duplicate()
    {
        await PublishAsync(SampleTriggers.Eligible());
        await RunAsync(Consumer(settles: 1));

        // At-least-once delivery: the platform sends the same trigger again, with a new one.
        await PublishAsync(SampleTriggers.Eligible(), SampleTriggers.ExitConfirmed());
        var restarted = Consumer(settles: 2);
        Assert.True(restarted.Ledger.IsProcessed("GZ21-000123:REFUND_ELIGIBLE"));
        await RunAsync(restarted);

        Assert.Equal(1, restarted.Ledger.DuplicatesSkipped);
        Assert.Equal((1, 1), (restarted.Ledger.Triggered, restarted.Ledger.Confirmed));
        Assert.Equal("CONFIRMED", new LedgerFile(LedgerPath).Load().Shipments["GZ21-000123"].Status);
    }

    [Fact]
    public async Task Max_messages_stops_the_run_and_leaves_the_rest_on_the_queue()
    {
        await PublishAsync(SampleTriggers.Eligible("GZ21-000001"), SampleTriggers.Eligible("GZ21-000002"), SampleTriggers.Eligible("GZ21-000003"));
        var consumer = Consumer(settles: 2);

        await RunAsync(consumer);

        Assert.Equal(2, consumer.Ledger.Triggered);
        Assert.Equal(1, await TestQueue.CountAsync(Queue()));
    }

    [Fact]
    public async Task With_an_idle_exit_the_run_ends_once_the_queue_has_stayed_empty_that_long_on_its_clock()
    {
        await PublishAsync(SampleTriggers.Eligible("GZ21-000001"), SampleTriggers.Eligible("GZ21-000002"));
        // Every reading moves this clock a second on: the run sees the queue stay empty without a real-time window.
        var clock = new FakeClock(Instant.FromUtc(2021, 1, 4, 1, 0), Duration.FromSeconds(1));
        var consumer = Consumer(Quick with { IdleExit = Duration.FromSeconds(5) }, clock: clock);

        await RunAsync(consumer);

        Assert.Equal(2, consumer.Ledger.Triggered);
        Assert.Equal(0, await TestQueue.CountAsync(Queue()));
    }

    private sealed class ObservingStore(ILedgerStore inner, Func<Task<int>> countMessages) : ILedgerStore
    {
        public List<int> MessagesOnQueueWhenSaved { get; } = [];

        public RefundLedger Load() => inner.Load();

        public async Task SaveAsync(RefundLedger ledger, CancellationToken ct)
        {
            await inner.SaveAsync(ledger, ct);
            MessagesOnQueueWhenSaved.Add(await countMessages());
        }
    }

    private sealed class FailingStore : ILedgerStore
    {
        public RefundLedger Load() => new();

        public Task SaveAsync(RefundLedger ledger, CancellationToken ct) => throw new IOException("disk full");
    }
}
