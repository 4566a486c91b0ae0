using NodaTime;
using TransitGrains.Integration.ClockHook;

namespace TransitGrains.Integration.Tests;

/// <summary>
/// The clock of a silo process, moved by the test the way the grain tests move their FakeClock: refund deadlines
/// fall at midnight China time, so a test cannot wait for one. The silo loads <see cref="ShiftedClockHook"/> as a
/// .NET startup hook (<see cref="Environment"/>), which gives it an <see cref="IClock"/> that runs at real speed
/// from where the test set it, or stands still where the test holds it. Orleans itself (reminders, timers) keeps
/// real time, as in production.
/// </summary>
public sealed class SiloClock : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"transit-clock-{Guid.NewGuid():N}");

    public SiloClock() => ShiftedClockHook.WriteShift(_path, Duration.Zero);

    /// <summary>What the silo process needs in its environment to run on this clock.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["DOTNET_STARTUP_HOOKS"] = ShiftedClockHook.AssemblyPath,
        [ShiftedClockHook.ShiftFileVariable] = _path,
    };

    /// <summary>Sets the silo's clock to read <paramref name="instant"/> now; it runs on from there.</summary>
    public void SetNow(Instant instant) => ShiftedClockHook.WriteShift(_path, instant - SystemClock.Instance.GetCurrentInstant());

    /// <summary>Stops the silo's clock at <paramref name="instant"/> until it is set again.</summary>
    public void Hold(Instant instant) => ShiftedClockHook.WriteHeld(_path, instant);

    public void Dispose() => File.Delete(_path);
}
