using NodaTime;

namespace TransitGrains.Persistence.Tests;

public interface IStateTestGrain : IGrainWithStringKey
{
    Task SetAsync(TestState value, string defaultStorageValue);

    Task<TestState> GetAsync();

    Task<string> GetDefaultStorageValueAsync();
}

/// <summary>A state shaped like the project's: collections, bytes and a NodaTime value.</summary>
[GenerateSerializer]
public sealed class TestState
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public int Count { get; set; }
    [Id(2)] public List<string> Tags { get; set; } = [];
    [Id(3)] public Dictionary<string, Instant> Seen { get; set; } = [];
    [Id(4)] public Instant UpdatedAt { get; set; }
    [Id(5)] public byte[] Blob { get; set; } = [];
}

[GenerateSerializer]
public sealed class DefaultStorageState
{
    [Id(0)] public string Value { get; set; } = "";
}

/// <summary>Orleans cannot serialize NodaTime types by itself; this is the surrogate pattern the project uses.</summary>
[GenerateSerializer]
public struct InstantSurrogate
{
    [Id(0)] public int DaysSinceEpoch { get; set; }
    [Id(1)] public long NanosecondOfDay { get; set; }
}

[RegisterConverter]
public sealed class InstantSurrogateConverter : IConverter<Instant, InstantSurrogate>
{
    public Instant ConvertFromSurrogate(in InstantSurrogate surrogate) =>
        NodaConstants.UnixEpoch + Duration.FromDays(surrogate.DaysSinceEpoch) + Duration.FromNanoseconds(surrogate.NanosecondOfDay);

    public InstantSurrogate ConvertToSurrogate(in Instant value)
    {
        var sinceEpoch = value - NodaConstants.UnixEpoch;
        return new InstantSurrogate { DaysSinceEpoch = sinceEpoch.Days, NanosecondOfDay = sinceEpoch.NanosecondOfDay };
    }
}

public sealed class StateTestGrain(
    [PersistentState("state", "transit")] IPersistentState<TestState> state,
    [PersistentState("other")] IPersistentState<DefaultStorageState> other) : Grain, IStateTestGrain
{
    public async Task SetAsync(TestState value, string defaultStorageValue)
    {
        state.State = value;
        await state.WriteStateAsync();
        other.State.Value = defaultStorageValue;
        await other.WriteStateAsync();
    }

    public Task<TestState> GetAsync() => Task.FromResult(state.State);

    public Task<string> GetDefaultStorageValueAsync() => Task.FromResult(other.State.Value);
}
