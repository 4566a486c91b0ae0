using Npgsql;

namespace TransitGrains.Persistence.Tests;

public sealed class PostgresConnectionTests
{
    [Fact]
    public void Adds_the_tuning_defaults_to_a_plain_connection_string()
    {
        var tuned = new NpgsqlConnectionStringBuilder(
            PostgresConnection.WithTuningDefaults("Host=db;Username=app;Database=transit"));

        Assert.Equal(20, tuned.MaxPoolSize);
        Assert.True(tuned.NoResetOnClose);
        Assert.Equal(20, tuned.MaxAutoPrepare);
        Assert.Equal(2, tuned.AutoPrepareMinUsages);
        Assert.Equal("db", tuned.Host);
        Assert.Equal("app", tuned.Username);
        Assert.Equal("transit", tuned.Database);
    }

    [Fact]
    public void Keeps_what_the_user_set_whatever_the_spelling()
    {
        var tuned = new NpgsqlConnectionStringBuilder(PostgresConnection.WithTuningDefaults(
            "Host=db;maxpoolsize=7;no reset on close=false;Max Auto Prepare=0;AutoPrepareMinUsages=5"));

        Assert.Equal(7, tuned.MaxPoolSize);
        Assert.False(tuned.NoResetOnClose);
        Assert.Equal(0, tuned.MaxAutoPrepare);
        Assert.Equal(5, tuned.AutoPrepareMinUsages);
    }

    [Fact]
    public void Keeps_a_user_value_equal_to_npgsqls_default()
    {
        var tuned = new NpgsqlConnectionStringBuilder(
            PostgresConnection.WithTuningDefaults("Host=db;Maximum Pool Size=100"));

        Assert.Equal(100, tuned.MaxPoolSize);
        Assert.True(tuned.NoResetOnClose);
    }
}
