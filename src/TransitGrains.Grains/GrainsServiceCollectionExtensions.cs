using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;
using Orleans;
using Orleans.Runtime;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Journal;
using TransitGrains.Domain.TaxRefund;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// What the grains need besides Orleans: the clock, the refund policy book, the webhook retry schedule and how often
    /// snapshots are written, from configuration, the sweeper that wakes grains at the times the journal stores, this silo's
    /// copy of the webhook subscriptions, and the waking of every subscription at start that seals keys stored in plain
    /// text. The journal, the senders (tax queue, webhooks) and the key seal are the host's to register.
    /// </summary>
    public static IServiceCollection AddTransitGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<IClock>(SystemClock.Instance);
        services.AddSingleton<WakeUpSweeper>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(s => s.GetRequiredService<WakeUpSweeper>());
        services.AddSingleton<SubscriptionDirectory>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, StoredKeySealing>();
        var options = configuration.GetSection(TaxRefundOptions.Section).Get<TaxRefundOptions>() ?? new TaxRefundOptions();
        services.AddSingleton(options.ToPolicyBook());
        var webhooks = configuration.GetSection(WebhookOptions.Section).Get<WebhookOptions>() ?? new WebhookOptions();
        services.AddSingleton(webhooks.ToSchedule());
        services.AddSingleton((configuration.GetSection(SnapshotOptions.Section).Get<SnapshotOptions>() ?? new SnapshotOptions()).Validated());
        return services;
    }
}
