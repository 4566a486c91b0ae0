using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TransitGrains.ForwarderCli;

/// <summary>The commands: book, show, list, watch, subscribe, subscriptions. Public so that a test can run them against a real service.</summary>
public static class ForwarderCommands
{
    public const string DefaultUrl = "http://127.0.0.1:5080";
    public const string DefaultKey = "dev-forwarder-key";

    public static RootCommand Build()
    {
        // No DefaultValueFactory for these: --help prints defaults, and the key may be a real one from the environment.
        var url = new Option<string>("--url")
        {
            Description = $"The TransitGrains API (default: env TRANSIT_URL, else {DefaultUrl})",
            Recursive = true,
        };
        var apiKey = new Option<string>("--api-key")
        {
            Description = $"Your forwarder API key (default: env TRANSIT_API_KEY, else the development key {DefaultKey})",
            Recursive = true,
        };

        var file = new Argument<FileInfo>("FILE") { Description = "A booking as in the API (POST /api/v1/shipments), or a JSON array of them" };
        var book = new Command("book", "Book the shipment(s) in a JSON file") { file };

        var shipmentId = new Argument<string>("SHIPMENT_ID");
        var noTimeline = new Option<bool>("--no-timeline") { Description = "Leave out the timeline" };
        var show = new Command("show", "A shipment: legs, containers, ETA, customs, tax refund and its timeline in local times") { shipmentId, noTimeline };

        var container = new Option<string>("--container") { Description = "ISO 6346 container number", Required = true };
        var list = new Command("list", "Your shipments that a container was booked into, newest first") { container };

        var interval = new Option<int>("--interval") { Description = "Seconds between polls", DefaultValueFactory = _ => 10 };
        var watch = new Command("watch", "Follow a shipment, printing each change, until it is COMPLETED or CANCELLED") { shipmentId, interval };

        var callbackUrl = new Option<string>("--callback-url") { Description = "Where notifications are posted (https; http on a Development service)", Required = true };
        var types = new Option<string[]>("--type") { Description = "shipment.event, shipment.status_changed, shipment.eta_changed or shipment.tax_refund_changed (repeat; default all)" };
        var shipments = new Option<string[]>("--shipment") { Description = "Only these shipments (repeat)" };
        var containers = new Option<string[]>("--container") { Description = "Only these containers (repeat)" };
        var eventCodes = new Option<string[]>("--event-code") { Description = "Only what events with these codes caused, e.g. DEPA (repeat)" };
        var secret = new Option<string>("--secret") { Description = "Your own secret (whsec_ + Base64 of 24-64 bytes); one is generated otherwise" };
        var subscribe = new Command("subscribe", "Have your shipments' changes posted to a URL, signed (Standard Webhooks); prints the secret once")
        {
            callbackUrl, types, shipments, containers, eventCodes, secret,
        };

        var deliveries = new Option<string>("--deliveries") { Description = "Show this subscription's latest delivery attempts instead" };
        var subscriptions = new Command("subscriptions", "Your webhook subscriptions, or one's delivery attempts") { deliveries };

        var root = new RootCommand("TransitGrains for forwarders: book, show, list, watch, subscribe, subscriptions.")
        {
            url, apiKey, book, show, list, watch, subscribe, subscriptions,
        };

        book.SetAction((parse, ct) => WithClient(parse, url, apiKey, (client, output) => Book(client, parse.GetRequiredValue(file), output, ct)));
        show.SetAction((parse, ct) => WithClient(parse, url, apiKey, async (client, output) =>
        {
            ShipmentPrinter.Write(output, await client.Get(parse.GetRequiredValue(shipmentId), timeline: !parse.GetValue(noTimeline), ct));
            return 0;
        }));
        list.SetAction((parse, ct) => WithClient(parse, url, apiKey, async (client, output) =>
        {
            var items = await client.ListByContainer(parse.GetRequiredValue(container), ct);
            Table.Write(output, ["SHIPMENT", "STATUS", "FROM", "TO", "ETA", "CONTAINERS"], items.Select(s => new[]
            {
                s.ShipmentId, s.Status, s.Legs[0].From, s.Legs[^1].To, LocalTimes.Format(s.Eta), s.Containers.Count.ToString(),
            }));
            return 0;
        }));
        watch.SetAction((parse, ct) => WithClient(parse, url, apiKey, (client, output) =>
            Watch(client, parse.GetRequiredValue(shipmentId), TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(interval))), output, ct)));
        subscribe.SetAction((parse, ct) => WithClient(parse, url, apiKey, async (client, output) =>
        {
            var request = new JsonObject { ["callbackUrl"] = parse.GetRequiredValue(callbackUrl) };
            foreach (var (name, option) in new[] { ("types", types), ("shipmentIds", shipments), ("containers", containers), ("eventCodes", eventCodes) })
            {
                if (parse.GetValue(option) is { Length: > 0 } values)
                {
                    request[name] = new JsonArray(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
                }
            }

            if (parse.GetValue(secret) is { } given)
            {
                request["secret"] = given;
            }

            var made = await client.Subscribe(request, ct);
            await output.WriteLineAsync($"subscribed: {made.SubscriptionId} -> {made.CallbackUrl} ({Describe(made)})");
            await output.WriteLineAsync($"secret: {made.Secret}");
            await output.WriteLineAsync("  (shown only now: give it to your receiver, e.g. WEBHOOK_SECRET for client-samples/TransitGrains.WebhookReceiver)");
            return 0;
        }));
        subscriptions.SetAction((parse, ct) => WithClient(parse, url, apiKey, async (client, output) =>
        {
            if (parse.GetValue(deliveries) is { } subscription)
            {
                Table.Write(output, ["ATTEMPTED", "WEBHOOK ID", "TYPE", "SHIPMENT", "#", "ANSWER", "DELIVERED", "NEXT ATTEMPT"],
                    (await client.Deliveries(subscription, 50, ct)).Select(d => new[]
                    {
                        Utc(d.AttemptedAt), d.WebhookId, d.Type, d.ShipmentId ?? "-", d.Attempt.ToString(CultureInfo.InvariantCulture),
                        d.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? d.Error ?? "-", Utc(d.DeliveredAt), Utc(d.NextAttemptAt),
                    }));
                return 0;
            }

            Table.Write(output, ["SUBSCRIPTION", "STATUS", "CALLBACK", "WANTS"],
                (await client.Subscriptions(ct)).Select(s => new[] { s.SubscriptionId, s.Status, s.CallbackUrl, Describe(s) }));
            return 0;
        }));
        return root;
    }

    /// <summary>What a subscription wants, in a few words.</summary>
    private static string Describe(Subscription s)
    {
        var filters = new[] { ("shipments", s.ShipmentIds), ("containers", s.Containers), ("event codes", s.EventCodes) }
            .Where(f => f.Item2.Count > 0)
            .Select(f => $"{f.Item1} {string.Join(",", f.Item2)}");
        return string.Join("; ", filters.Prepend(s.Types.Count == 4 ? "every type" : string.Join(",", s.Types)));
    }

    private static string Utc(NodaTime.Instant? instant) => instant is { } i ? NodaTime.Text.InstantPattern.General.Format(i) : "-";

    /// <summary>Runs a command with a client; API refusals and an unreachable service become a message and an exit code.</summary>
    private static async Task<int> WithClient(ParseResult parse, Option<string> url, Option<string> apiKey, Func<TransitClient, TextWriter, Task<int>> run)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        var baseAddress = new Uri(parse.GetValue(url) ?? (Environment.GetEnvironmentVariable("TRANSIT_URL") is { Length: > 0 } u ? u : DefaultUrl));
        var key = parse.GetValue(apiKey) ?? (Environment.GetEnvironmentVariable("TRANSIT_API_KEY") is { Length: > 0 } k ? k : DefaultKey);
        using var client = new TransitClient(baseAddress, key);
        try
        {
            return await run(client, output);
        }
        catch (ApiException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return 1;
        }
        catch (HttpRequestException ex)
        {
            await error.WriteLineAsync($"cannot reach {baseAddress}: {ex.Message}");
            return 2;
        }
        catch (JsonException ex)
        {
            await error.WriteLineAsync($"not valid JSON: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> Book(TransitClient client, FileInfo file, TextWriter output, CancellationToken ct)
    {
        var bookings = JsonNode.Parse(await File.ReadAllTextAsync(file.FullName, ct)) switch
        {
            JsonArray array => array.Select(b => b!.AsObject()).ToList(),
            JsonObject one => [one],
            _ => throw new JsonException($"{file.Name} holds neither a booking object nor an array of them"),
        };

        foreach (var booking in bookings)
        {
            var (shipment, created) = await client.Book(booking, ct);
            await output.WriteLineAsync($"{(created ? "booked" : "already booked")}: {shipment.ShipmentId} ({shipment.Containers.Count} containers, "
                + $"{string.Join(" -> ", shipment.Legs.Select(l => l.From).Append(shipment.Legs[^1].To))}), status {shipment.Status}");
        }

        return 0;
    }

    private static async Task<int> Watch(TransitClient client, string shipmentId, TimeSpan interval, TextWriter output, CancellationToken ct)
    {
        var shipment = await client.Get(shipmentId, timeline: true, ct);
        ShipmentPrinter.Write(output, shipment);
        var facts = ShipmentPrinter.Facts(shipment);
        var seen = shipment.Timeline?.Select(e => e.EventId).ToHashSet() ?? [];

        while (shipment.Status is not ("COMPLETED" or "CANCELLED"))
        {
            try
            {
                await Task.Delay(interval, ct);
                shipment = await client.Get(shipmentId, timeline: true, ct);
            }
            catch (OperationCanceledException)
            {
                return 130; // Ctrl+C
            }
            catch (HttpRequestException ex)
            {
                // A watcher outlives a restart of the service: say so and keep polling.
                await output.WriteLineAsync($"(no answer: {ex.Message}; retrying)");
                continue;
            }

            var fresh = shipment.Timeline?.Where(e => seen.Add(e.EventId)).ToList() ?? [];
            if (fresh.Count > 0)
            {
                Table.Write(output, ShipmentPrinter.TimelineHeader, fresh.Select(ShipmentPrinter.TimelineRow));
            }

            var now = ShipmentPrinter.Facts(shipment);
            foreach (var (name, value) in now.Where(f => facts.GetValueOrDefault(f.Key) != f.Value))
            {
                await output.WriteLineAsync($"  {name}: {facts.GetValueOrDefault(name, "-")} -> {value}");
            }

            facts = now;
        }

        await output.WriteLineAsync($"{shipmentId} is {shipment.Status}.");
        return 0;
    }
}
