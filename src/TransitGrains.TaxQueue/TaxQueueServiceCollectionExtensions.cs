using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TransitGrains.Abstractions;

namespace TransitGrains.TaxQueue;

public static class TaxQueueServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ITaxRefundTriggerPublisher"/>: the Azure queue publisher and its
    /// readiness check (tag <c>ready</c>) when <c>ConnectionStrings:TaxQueue</c> is set, else the
    /// logging publisher. <c>Transit:TaxRefund:QueueName</c> overrides the queue name.
    /// </summary>
    public static IServiceCollection AddTaxRefundQueue(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(TaxQueueOptions.ConnectionStringName);
        var queueName = configuration[TaxQueueOptions.QueueNameKey];

        services.AddOptions<TaxQueueOptions>().Configure(options =>
        {
            options.ConnectionString = connectionString;
            if (!string.IsNullOrWhiteSpace(queueName))
            {
                options.QueueName = queueName;
            }
        });

        if (string.IsNullOrWhiteSpace(connectionString))
        {
            services.TryAddSingleton<ITaxRefundTriggerPublisher, LoggingTaxRefundPublisher>();
            return services;
        }

        services.TryAddSingleton<ITaxRefundTriggerPublisher, AzureQueueTaxRefundPublisher>();
        services.AddHealthChecks().AddCheck<TaxQueueHealthCheck>(TaxQueueHealthCheck.Name, tags: ["ready"]);
        return services;
    }
}
