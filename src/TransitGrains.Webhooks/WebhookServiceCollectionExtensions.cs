using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TransitGrains.Abstractions;
using TransitGrains.Domain.Webhooks;

namespace TransitGrains.Webhooks;

public static class WebhookServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IWebhookSender"/> (HTTP), <see cref="ICallbackGuard"/> and <see cref="ISigningKeySeal"/> (Data
    /// Protection; where its key ring is kept is the host's to configure). Callbacks may reach private networks only in the
    /// Development environment or with <c>Transit:Webhooks:AllowPrivateNetworks=true</c>.
    /// </summary>
    public static IServiceCollection AddWebhookDelivery(this IServiceCollection services, IConfiguration configuration, bool isDevelopment)
    {
        var options = configuration.GetSection(WebhookOptions.Section).Get<WebhookOptions>() ?? new WebhookOptions();
        services.AddSingleton(new CallbackGuard(isDevelopment || options.AllowPrivateNetworks));
        services.AddSingleton<ICallbackGuard>(s => s.GetRequiredService<CallbackGuard>());
        services.AddDataProtection();
        services.AddSingleton<ISigningKeySeal, DataProtectionSigningKeySeal>();
        services.AddSingleton<IWebhookSender, HttpWebhookSender>();
        return services;
    }
}
