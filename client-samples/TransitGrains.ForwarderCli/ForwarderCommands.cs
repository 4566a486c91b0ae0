using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TransitGrains.ForwarderCli;

/// <summary>The commands: book, show, list, watch. Public so that a test can run them against a real service.</summary>
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

        var root = new RootCommand("TransitGrains for forwarders: book, show, list, watch.") { url, apiKey, book, show, list, watch };

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
        return root;
    }

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
