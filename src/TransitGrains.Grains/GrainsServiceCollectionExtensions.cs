using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;
using Orleans;
using Orleans.Runtime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.TaxRefund;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// What the grains need besides Orleans: the clock, the refund policy book and the webhook retry schedule from
    /// configuration, the event-id ledger (one grain per id unless the storage registered its own, as the PostgreSQL
    /// profile does), the sweeper that wakes grains at the times their states store, this silo's copy of the webhook
    /// subscriptions, and the waking of every subscription at start that seals keys stored in plain text. The senders (tax
    /// queue, webhooks) and the key seal are the host's to register.
    /// </summary>
    public static IServiceCollection AddTransitGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<IClock>(SystemClock.Instance);
        services.TryAddSingleton<IEventIdLedger, GrainEventIdLedger>();
        services.AddSingleton<WakeUpSweeper>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(s => s.GetRequiredService<WakeUpSweeper>());
        services.AddSingleton<SubscriptionDirectory>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, StoredKeySealing>();
        var options = configuration.GetSection(TaxRefundOptions.Section).Get<TaxRefundOptions>() ?? new TaxRefundOptions();
        services.AddSingleton(options.ToPolicyBook());
        var webhooks = configuration.GetSection(WebhookOptions.Section).Get<WebhookOptions>() ?? new WebhookOptions();
        services.AddSingleton(webhooks.ToSchedule());
        return services;
    }
}
