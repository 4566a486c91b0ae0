using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodaTime;

namespace TransitGrains.Integration.ClockHook
{
    /// <summary>
    /// A .NET startup hook for silo processes under test: started with <c>DOTNET_STARTUP_HOOKS</c> naming this
    /// assembly and <see cref="ShiftFileVariable"/> naming a file, the silo's <see cref="IClock"/> reads what that file
    /// last said: real time plus a shift, or an instant the clock stands still at. Orleans itself keeps real time.
    /// </summary>
    public static class ShiftedClockHook
    {
        public const string ShiftFileVariable = "TRANSIT_TEST_CLOCK_SHIFT_FILE";

        // The file holds the shift in nanoseconds, or this prefix and the held instant in nanoseconds since the Unix epoch.
        private const string Held = "held ";

        public static string AssemblyPath => typeof(ShiftedClockHook).Assembly.Location;

        /// <summary>What a clock on this file reads when real time is <paramref name="realNow"/>.</summary>
        public static Instant Read(string path, Instant realNow)
        {
            var text = File.ReadAllText(path);
            return text.StartsWith(Held, StringComparison.Ordinal)
                ? NodaConstants.UnixEpoch + Duration.FromNanoseconds(long.Parse(text[Held.Length..], CultureInfo.InvariantCulture))
                : realNow + Duration.FromNanoseconds(long.Parse(text, CultureInfo.InvariantCulture));
        }

        /// <summary>The clock reads real time plus <paramref name="shift"/>.</summary>
        public static void WriteShift(string path, Duration shift) =>
            Write(path, shift.ToInt64Nanoseconds().ToString(CultureInfo.InvariantCulture));

        /// <summary>The clock reads <paramref name="at"/> until the file is written again.</summary>
        public static void WriteHeld(string path, Instant at) =>
            Write(path, Held + (at - NodaConstants.UnixEpoch).ToInt64Nanoseconds().ToString(CultureInfo.InvariantCulture));

        private static void Write(string path, string text)
        {
            // Written aside and renamed, so the silo never reads a half-written number.
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, text);
            File.Move(temporary, path, overwrite: true);
        }
    }

    internal sealed class ShiftedClock(string path) : IClock
    {
        public Instant GetCurrentInstant() => ShiftedClockHook.Read(path, SystemClock.Instance.GetCurrentInstant());
    }

    /// <summary>
    /// When the host is built, registers <see cref="ShiftedClock"/> after the silo's own services, so it is the
    /// <see cref="IClock"/> the grains and the API get. The same hook WebApplicationFactory uses.
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

/// <summary>Run by the .NET runtime before the silo's Main; the runtime looks for exactly this name, outside any namespace.</summary>
#pragma warning disable CA1050
internal static class StartupHook
#pragma warning restore CA1050
{
    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable(TransitGrains.Integration.ClockHook.ShiftedClockHook.ShiftFileVariable) is { Length: > 0 } path)
        {
            _ = DiagnosticListener.AllListeners.Subscribe(new TransitGrains.Integration.ClockHook.ShiftedClockInstaller(path));
        }
    }
}
