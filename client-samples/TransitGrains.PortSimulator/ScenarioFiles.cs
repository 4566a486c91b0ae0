using System.Text.Json;

namespace TransitGrains.PortSimulator;

/// <summary>
/// A recorded scenario as three files in one folder: <c>bookings.json</c> (an array of booking bodies),
/// <c>events.json</c> (a batch body, the events in the order their systems reported them) and
/// <c>expected.json</c> (the end state, see <see cref="Expectations"/>); optionally <c>edifact/*.edi</c>, interchanges
/// in which terminals report some of those events as they would send them.
/// </summary>
public static class ScenarioFiles
{
    public static SimulationPlan Load(string folder)
    {
        T Read<T>(string name) =>
            JsonSerializer.Deserialize<T>(File.ReadAllText(Path.Combine(folder, name)), WireJson.Options)
            ?? throw new InvalidDataException($"{Path.Combine(folder, name)} is empty");

        return new SimulationPlan(
            $"scenario {Path.GetFileName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar))}",
            Read<List<Booking>>("bookings.json"),
            Read<EventBatch>("events.json").Events,
            Read<Expectations>("expected.json"));
    }

    /// <summary>The folder's EDIFACT interchanges, in the order of their file names; none when it has no <c>edifact</c> folder.</summary>
    public static IReadOnlyList<(string Name, string Text)> Interchanges(string folder)
    {
        var edifact = Path.Combine(folder, "edifact");
        return Directory.Exists(edifact)
            ? Directory.GetFiles(edifact, "*.edi").Order(StringComparer.Ordinal).Select(f => (Path.GetFileName(f), File.ReadAllText(f))).ToList()
            : [];
    }
}
