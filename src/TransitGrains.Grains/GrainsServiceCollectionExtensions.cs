using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;

namespace TransitGrains.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>What the grains need besides Orleans: the clock and the refund policy book from configuration.</summary>
    public static IServiceCollection AddTransitGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<IClock>(SystemClock.Instance);
        var options = configuration.GetSection(TaxRefundOptions.Section).Get<TaxRefundOptions>() ?? new TaxRefundOptions();
        services.AddSingleton(options.ToPolicyBook());
        return services;
    }
}
