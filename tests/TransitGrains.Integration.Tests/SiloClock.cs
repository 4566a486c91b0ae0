using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodaTime;

namespace TransitGrains.Integration.Tests
{
    /// <summary>
    /// The clock of a silo process, moved by the test the way the grain tests move their FakeClock: refund
    /// deadlines fall at midnight China time, so a test cannot wait for one. The silo loads this test assembly as a
    /// .NET startup hook (<see cref="Environment"/>), which gives it an <see cref="IClock"/> reading real time plus the
    /// shift the test wrote to a file. Orleans itself (reminders, timers) keeps real time, as in production.
    /// </summary>
    public sealed class SiloClock : IDisposable
    {
        public const string ShiftFileVariable = "TRANSIT_TEST_CLOCK_SHIFT_FILE";

        private readonly string _path = Path.Combine(Path.GetTempPath(), $"transit-clock-{Guid.NewGuid():N}");

        public SiloClock() => Shift(Duration.Zero);

        /// <summary>What the silo process needs in its environment to run on this clock.</summary>
        public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
        {
            ["DOTNET_STARTUP_HOOKS"] = typeof(SiloClock).Assembly.Location,
            [ShiftFileVariable] = _path,
        };

        /// <summary>What the silo's clock reads now.</summary>
        public Instant Now => SystemClock.Instance.GetCurrentInstant() + ReadShift(_path);

        /// <summary>Sets the silo's clock to read <paramref name="instant"/> now; it runs on from there.</summary>
        public void SetNow(Instant instant) => Shift(instant - SystemClock.Instance.GetCurrentInstant());

        public void Dispose() => File.Delete(_path);

        internal static Duration ReadShift(string path) =>
            Duration.FromNanoseconds(long.Parse(File.ReadAllText(path), CultureInfo.InvariantCulture));

        private void Shift(Duration shift)
        {
            // Written aside and renamed, so the silo never reads a half-written number.
            var temporary = _path + ".tmp";
            File.WriteAllText(temporary, ((long)shift.TotalNanoseconds).ToString(CultureInfo.InvariantCulture));
            File.Move(temporary, _path, overwrite: true);
        }
    }

    /// <summary>In the silo process: real time plus the shift the test last wrote.</summary>
    internal sealed class ShiftedClock(string path) : IClock
    {
        public Instant GetCurrentInstant() => SystemClock.Instance.GetCurrentInstant() + SiloClock.ReadShift(path);
    }

    /// <summary>
    /// In the silo process: when the host is built, registers <see cref="ShiftedClock"/> after the silo's own
    /// services, so it is the <see cref="IClock"/> the grains and the API get. The same hook WebApplicationFactory uses.
    /// </summary>
    internal sealed class ShiftedClockInstaller(string path) : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == "Microsoft.Extensions.Hosting")
            {
                listener.Subscribe(this);
            }
        }

        public void OnNext(KeyValuePair<string, object?> hostEvent)
        {
            if (hostEvent is { Key: "HostBuilding", Value: IHostBuilder host })
            {
                host.ConfigureServices((_, services) => services.AddSingleton<IClock>(new ShiftedClock(path)));
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }
}

/// <summary>
/// Run by the .NET runtime in a silo started with <see cref="TransitGrains.Integration.Tests.SiloClock.Environment"/>,
/// before its Main. The runtime looks for exactly this type name, outside any namespace.
/// </summary>
#pragma warning disable CA1050
internal static class StartupHook
#pragma warning restore CA1050
{
    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable(TransitGrains.Integration.Tests.SiloClock.ShiftFileVariable) is { Length: > 0 } path)
        {
            _ = DiagnosticListener.AllListeners.Subscribe(new TransitGrains.Integration.Tests.ShiftedClockInstaller(path));
        }
    }
}
