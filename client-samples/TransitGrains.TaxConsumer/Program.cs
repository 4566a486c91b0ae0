// A tax system's side of TransitGrains' departure-port refund triggers: read the queue, apply
// each trigger once to a durable ledger, and print the ledger. Copy this folder and adapt
// RefundLedger.Apply to your own books.
using System.CommandLine;
using NodaTime;
using TransitGrains.TaxConsumer;

// No DefaultValueFactory here: --help prints defaults, and this one may hold an account key.
var connection = new Option<string>("--connection")
{
    Description = "Azure Storage connection string (default: env ConnectionStrings__TaxQueue, else Azurite's UseDevelopmentStorage=true)",
};
var queue = new Option<string>("--queue")
{
    Description = "Queue to read; failed messages go to <queue>-poison",
    DefaultValueFactory = _ => "tax-refund-triggers",
};
var ledgerPath = new Option<string>("--ledger")
{
    Description = "JSON file holding the ledger and the ids of applied messages, so duplicates are caught across restarts",
    DefaultValueFactory = _ => "refund-ledger.json",
};
var maxMessages = new Option<int?>("--max-messages") { Description = "Stop after this many messages left the queue" };
var idleExit = new Option<int?>("--idle-exit") { Description = "Stop once the queue has been empty for this many seconds" };
var visibility = new Option<int>("--visibility-timeout")
{
    Description = "Seconds a received message stays hidden; a failed one is retried after this",
    DefaultValueFactory = _ => 30,
};

var root = new RootCommand("Applies TransitGrains tax refund triggers to a local ledger.")
{
    connection, queue, ledgerPath, maxMessages, idleExit, visibility,
};

root.SetAction(async (parse, ct) =>
{
    var connectionString = parse.GetValue(connection)
        ?? Environment.GetEnvironmentVariable("ConnectionStrings__TaxQueue") switch
        {
            { Length: > 0 } fromEnvironment => fromEnvironment,
            _ => "UseDevelopmentStorage=true",
        };
    var settings = new ConsumerSettings
    {
        MaxMessages = parse.GetValue(maxMessages),
        IdleExit = parse.GetValue(idleExit) is { } seconds ? Duration.FromSeconds(seconds) : null,
        VisibilityTimeout = Duration.FromSeconds(parse.GetValue(visibility)),
    };
    var consumer = new RefundLedgerConsumer(
        connectionString,
        parse.GetRequiredValue(queue),
        new LedgerFile(parse.GetRequiredValue(ledgerPath)),
        settings,
        SystemClock.Instance,
        Console.Error);

    Console.Error.WriteLine($"Reading queue {consumer.QueueName}; Ctrl+C stops and prints the ledger.");
    try
    {
        // Ctrl+C cancels ct; RunAsync then returns with everything applied so far saved.
        await consumer.RunAsync(ct);
    }
    finally
    {
        LedgerReport.Write(consumer.Ledger, Console.Out);
    }
});

return await root.Parse(args).InvokeAsync();
