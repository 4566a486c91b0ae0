using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace TransitGrains.Api;

/// <summary>A request budget: a token bucket that holds at most <see cref="Burst"/> requests and refills <see cref="PermitsPerSecond"/> a second.</summary>
public sealed class RequestBudget
{
    public int PermitsPerSecond { get; set; }

    public int Burst { get; set; }
}

/// <summary>
/// api.md 1.1 "Limits": each key draws on its role's budget (<c>Transit:RateLimits:{forwarder|port|admin}</c>), requests
/// without a valid key on their client address's <c>anonymous</c> one, counted before they are answered 401. Budgets
/// are per silo. Outside Development a budget that is not configured takes its default; in Development it is unlimited.
/// </summary>
public static class RateLimits
{
    public const string Section = "Transit:RateLimits";
    public const string Anonymous = "anonymous";

    /// <summary>The budget each role's keys draw on: the one table to change when a role is added.</summary>
    private static readonly Dictionary<ApiRole, string> BudgetOf = new()
    {
        [ApiRole.Forwarder] = "forwarder",
        [ApiRole.Port] = "port",
        // api.md names no customs budget: a customs system reports events as a port system does.
        [ApiRole.Customs] = "port",
        [ApiRole.Admin] = "admin",
    };

    private static readonly Dictionary<string, RequestBudget> Defaults = new(StringComparer.Ordinal)
    {
        ["forwarder"] = new RequestBudget { PermitsPerSecond = 50, Burst = 100 },
        ["port"] = new RequestBudget { PermitsPerSecond = 200, Burst = 400 },
        ["admin"] = new RequestBudget { PermitsPerSecond = 500, Burst = 1000 },
        [Anonymous] = new RequestBudget { PermitsPerSecond = 10, Burst = 20 },
    };

    public static IServiceCollection AddTransitRateLimits(this IServiceCollection services, IConfiguration configuration, bool development)
    {
        var budgets = Budgets(configuration.GetSection(Section), development);
        services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, budgets));
            options.OnRejected = Reject;
        });
        return services;
    }

    /// <summary>The budgets in force by name; a name that is missing is not limited.</summary>
    public static IReadOnlyDictionary<string, RequestBudget> Budgets(IConfiguration section, bool development)
    {
        var budgets = new Dictionary<string, RequestBudget>(StringComparer.Ordinal);
        foreach (var name in Defaults.Keys)
        {
            var configured = section.GetSection(name);
            var budget = configured.Exists() ? configured.Get<RequestBudget>()! : development ? null : Defaults[name];
            if (budget is null)
            {
                continue;
            }

            if (budget.PermitsPerSecond < 1 || budget.Burst < 1)
            {
                throw new InvalidOperationException($"{Section}:{name}: permitsPerSecond and burst must both be whole numbers of at least 1");
            }

            budgets[name] = budget;
        }

        return budgets;
    }

    private static RateLimitPartition<string> Partition(HttpContext context, IReadOnlyDictionary<string, RequestBudget> budgets)
    {
        var key = context.ApiKey();
        var (name, partition) = key is null
            ? (Anonymous, $"address:{context.Connection.RemoteIpAddress}")
            : (BudgetOf[key.Caller.Role], $"key:{key.KeyHash}");
        return budgets.TryGetValue(name, out var budget)
            ? RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = budget.Burst,
                TokensPerPeriod = budget.PermitsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
            })
            : RateLimitPartition.GetNoLimiter(partition);
    }

    private static async ValueTask Reject(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
        var http = rejected.HttpContext;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var who = http.ApiKey() is not null ? "This API key" : "This client address";
        await Problems.TooManyRequests(who, seconds).ExecuteAsync(http);
    }
}
