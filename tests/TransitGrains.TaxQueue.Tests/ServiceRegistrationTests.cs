using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TransitGrains.Abstractions;

namespace TransitGrains.TaxQueue.Tests;

public class ServiceRegistrationTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings, CapturingLogger? logs = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        if (logs is not null)
        {
            services.AddSingleton<ILogger<LoggingTaxRefundPublisher>>(logs);
        }

        services.AddTaxRefundQueue(configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Without_a_connection_string_triggers_are_logged_and_no_queue_check_is_registered()
    {
        var logs = new CapturingLogger();
        await using var provider = Build([], logs);

        var publisher = provider.GetRequiredService<ITaxRefundTriggerPublisher>();
        await publisher.PublishAsync(SampleTriggers.Eligible(), CancellationToken.None);

        Assert.IsType<LoggingTaxRefundPublisher>(publisher);
        Assert.True(await publisher.IsAvailableAsync(CancellationToken.None));
        Assert.Empty(provider.GetService<IOptions<HealthCheckServiceOptions>>()?.Value.Registrations ?? []);
        var entry = Assert.Single(logs.Entries);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Contains("No tax queue is configured", entry.Message, StringComparison.Ordinal);
        Assert.Contains(TaxRefundTriggerJson.Serialize(SampleTriggers.Eligible()), entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_connection_string_triggers_go_to_the_configured_queue_and_readiness_checks_it()
    {
        await using var provider = Build(new()
        {
            ["ConnectionStrings:TaxQueue"] = "UseDevelopmentStorage=true",
            ["Transit:TaxRefund:QueueName"] = "refunds-gba",
        });

        var publisher = Assert.IsType<AzureQueueTaxRefundPublisher>(provider.GetRequiredService<ITaxRefundTriggerPublisher>());
        Assert.Equal("refunds-gba", publisher.QueueName);
        var check = Assert.Single(provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations);
        Assert.Equal(TaxQueueHealthCheck.Name, check.Name);
        Assert.Contains("ready", check.Tags);
    }

    [Fact]
    public async Task The_queue_name_defaults_to_the_contracts_name()
    {
        await using var provider = Build(new() { ["ConnectionStrings:TaxQueue"] = "UseDevelopmentStorage=true" });

        var publisher = Assert.IsType<AzureQueueTaxRefundPublisher>(provider.GetRequiredService<ITaxRefundTriggerPublisher>());
        Assert.Equal("tax-refund-triggers", publisher.QueueName);
    }

    private sealed class CapturingLogger : ILogger<LoggingTaxRefundPublisher>
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
