using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Npgsql;
using NodaTime;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Integration.Tests;

/// <summary>
/// Two silo processes of one service on PostgreSQL, each with a home folder of its own (so nothing is shared through
/// the machine's default data-protection folder): the key ring in the database is the only one they have in common.
/// </summary>
public sealed class SealedSecretTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Secrets_sealed_on_either_silo_sign_deliveries_the_dashboard_cookie_works_on_both_and_no_secret_is_in_any_row_or_log()
    {
        var database = await TestServices.CreateDatabaseAsync();
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Transit"] = database,
            ["Transit:Cluster:ClusterId"] = "it-sealed",
            ["Transit:Cluster:ServiceId"] = "it-sealed",
        };
        var homes = Enumerable.Range(0, 2).Select(_ => Directory.CreateTempSubdirectory("transit-home-").FullName).ToList();
        var (first, second) = (RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(48));
        await using var receiver = await WebhookReceiver.StartAsync();
        var silos = await Task.WhenAll(homes.Select(home => SiloProcess.StartAsync(settings, environment: new Dictionary<string, string> { ["HOME"] = home })));
        try
        {
            // Created through one silo, its secret replaced through the other: each seals with the shared ring.
            using var forwarderOnFirst = silos[0].Client("dev-forwarder-key");
            using var created = await forwarderOnFirst.PostAsJsonAsync(
                "/api/v1/subscriptions", new { callbackUrl = receiver.Url("hook"), secret = WebhookSecret.Format(first) });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var subscription = (string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["subscriptionId"]!;
            using var forwarderOnSecond = silos[1].Client("dev-forwarder-key");
            using var rotated = await forwarderOnSecond.PostAsJsonAsync(
                $"/api/v1/subscriptions/{subscription}/secret", new { secret = WebhookSecret.Format(second) });
            Assert.Equal(HttpStatusCode.Created, rotated.StatusCode);

            // Wherever the subscription lives, it opens both to sign (the replaced one signs on for a day).
            var journey = RefundJourney.Departing(RefundJourney.ChinaToday(SystemClock.Instance.GetCurrentInstant()).PlusDays(-2));
            using var client = silos[1].Client();
            Assert.Equal(HttpStatusCode.Created, await client.BookAsync(journey.Booking()));
            await client.ReportAsync(journey.Release());
            var received = await receiver.WaitFor("hook", r => r.Count > 0, Limit);
            Assert.Equal(
                [WebhookSecret.Format(first), WebhookSecret.Format(second)],
                StandardWebhooksCheck.SignedBy(received[0], WebhookSecret.Format(first), WebhookSecret.Format(second)));

            // A dashboard sign-in on one silo is good on the other.
            var cookie = await SignInToDashboard(silos[0]);
            using var plain = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = silos[1].BaseAddress };
            using var dashboard = new HttpRequestMessage(HttpMethod.Get, "/dashboard/") { Headers = { { "Cookie", cookie } } };
            Assert.Equal(HttpStatusCode.OK, (await plain.SendAsync(dashboard)).StatusCode);

            // One key, made by whichever silo came first, and not a trace of either secret in the database or the logs.
            Assert.Equal(1, (await Rows(database, "transit_data_protection_keys")).Count(r => r.Contains("<key ", StringComparison.Ordinal)));
            var rows = new List<string>();
            foreach (var table in await Tables(database))
            {
                rows.AddRange(await Rows(database, table));
            }

            Assert.Contains(rows, r => r.Contains(subscription, StringComparison.Ordinal));
            foreach (var secret in new[] { first, second })
            {
                string[] forms = [WebhookSecret.Format(secret), Convert.ToBase64String(secret), Convert.ToHexString(secret).ToLowerInvariant()];
                Assert.DoesNotContain(rows, r => forms.Any(f => r.Contains(f, StringComparison.OrdinalIgnoreCase)));
                Assert.DoesNotContain(silos, s => forms.Any(f => s.Output.Contains(f, StringComparison.OrdinalIgnoreCase)));
            }
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }

            homes.ForEach(home => Directory.Delete(home, recursive: true));
        }
    }

    private static async Task<string> SignInToDashboard(SiloProcess silo)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = silo.BaseAddress };
        using var signIn = await http.PostAsync("/dashboard/sign-in", new FormUrlEncodedContent([new("apiKey", "dev-admin-key")]));
        Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        return signIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
    }

    private static async Task<IReadOnlyList<string>> Tables(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var tables = new List<string>();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    /// <summary>Every row of a table as PostgreSQL prints it (a bytea column as hex), whatever its columns.</summary>
    private static async Task<IReadOnlyList<string>> Rows(string database, string table)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT t::text FROM \"{table}\" t", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
