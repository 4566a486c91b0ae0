using Orleans.Placement;

namespace TransitGrains.Grains.Tests;

/// <summary>Answers with what it was sent; random placement spreads activations over both silos.</summary>
public interface IEchoGrain : IGrainWithIntegerKey
{
    Task<string> Silo();

    Task<T> Echo<T>(T value);
}

/// <summary>Sends a value to an echo grain on the other silo and back, so it is serialized both ways.</summary>
public interface IRelayGrain : IGrainWithIntegerKey
{
    Task<T> RoundTripViaOtherSilo<T>(T value);
}

[RandomPlacement]
public sealed class EchoGrain : Grain, IEchoGrain
{
    public Task<string> Silo() => Task.FromResult(RuntimeIdentity);

    public Task<T> Echo<T>(T value) => Task.FromResult(value);
}

public sealed class RelayGrain : Grain, IRelayGrain
{
    public async Task<T> RoundTripViaOtherSilo<T>(T value)
    {
        // With random placement, 64 activations all landing on this silo has probability 2^-64.
        for (var key = 0; key < 64; key++)
        {
            var echo = GrainFactory.GetGrain<IEchoGrain>(key);
            if (await echo.Silo() != RuntimeIdentity)
            {
                return await echo.Echo(value);
            }
        }

        throw new InvalidOperationException("no echo grain activated on another silo");
    }
}
