using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.TaxRefund;

namespace TransitGrains.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// What the grains need besides Orleans: the clock, the refund policy book from configuration, and the event-id
    /// ledger (one grain per id unless the storage registered its own, as the PostgreSQL profile does).
    /// </summary>
    public static IServiceCollection AddTransitGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<IClock>(SystemClock.Instance);
        services.TryAddSingleton<IEventIdLedger, GrainEventIdLedger>();
        var options = configuration.GetSection(TaxRefundOptions.Section).Get<TaxRefundOptions>() ?? new TaxRefundOptions();
        services.AddSingleton(options.ToPolicyBook());
        return services;
    }
}
